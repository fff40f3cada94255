import { isIP } from 'node:net';

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * A SIP gateway host as the switch dials it: a DNS name or an IP literal, nothing else — no
 * scheme, user, port, path or brackets (the port has its own field). Returns the normalised
 * host (lower case) or null.
 */
export function normaliseGatewayHost(value: string): string | null {
  const host = value.trim().toLowerCase();
  if (!host || host.length > 253) return null;
  if (isIP(host)) return host;
  const labels = host.split('.');
  if (!labels.every((label) => LABEL.test(label))) return null;
  // "10.0.0.300" is a mistyped address, not a name: a top-level label is never all digits.
  if (/^[0-9]+$/.test(labels[labels.length - 1])) return null;
  return host;
}
