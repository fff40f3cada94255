export const SIP_TRANSPORTS = ['udp', 'tcp', 'tls'] as const;
export type SipTransport = (typeof SIP_TRANSPORTS)[number];

/** RFC 3261 §19.1.2: 5060 for UDP and TCP, 5061 for TLS. */
export function defaultPortFor(transport: SipTransport): number {
  return transport === 'tls' ? 5061 : 5060;
}
