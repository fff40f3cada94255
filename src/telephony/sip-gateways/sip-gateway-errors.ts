import { apiError } from '../../platform/errors/api-error';

/** Error codes of SIP gateways. */
export const SipGatewayErrors = {
  notFound: () => apiError(404, 'resource_missing', 'No such SIP gateway.'),
  invalidHost: () =>
    apiError(400, 'parameter_invalid', 'host must be a hostname or an IP address, without scheme, port or path (e.g. sbc.example.com).', {
      param: 'host',
    }),
  /** Never names the host back: it may describe the partner's own network. */
  internalHost: () =>
    apiError(
      400,
      'host_not_allowed',
      'host is a loopback, link-local or private-network address or name; a SIP gateway must be reachable on the public ' +
        'internet unless the operator allows private hosts for this account.',
      { param: 'host' },
    ),
  unroutableHost: () =>
    apiError(
      400,
      'host_not_allowed',
      'host is not a routable unicast address (unspecified, multicast, broadcast, documentation or reserved range, or with a zone id).',
      { param: 'host' },
    ),
};
