import { apiError } from '../../platform/errors/api-error';

/** Error codes of webhook endpoints. */
export const WebhookEndpointErrors = {
  notFound: () => apiError(404, 'resource_missing', 'No such webhook endpoint.'),
  invalidUrl: (message: string) => apiError(400, 'parameter_invalid', message, { param: 'url' }),
  privateUrl: () =>
    apiError(400, 'url_not_allowed', 'url points to a loopback, private, link-local or metadata address; webhooks are delivered to public addresses only.', {
      param: 'url',
    }),
};
