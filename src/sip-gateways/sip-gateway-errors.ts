import { apiError } from '../common/errors/api-error';

/** Error codes of SIP gateways. */
export const SipGatewayErrors = {
  notFound: () => apiError(404, 'resource_missing', 'No such SIP gateway.'),
  invalidHost: () =>
    apiError(400, 'parameter_invalid', 'host must be a hostname or an IP address, without scheme, port or path (e.g. sbc.example.com).', {
      param: 'host',
    }),
};
