import { apiError } from '../../platform/errors/api-error';

/** Error codes of API-key management. */
export const ApiKeyErrors = {
  notEnabled: () =>
    apiError(
      403,
      'api_keys_not_enabled',
      'API keys are in beta and not enabled for this account. Email support@didhub.io to enable them.',
    ),
  managersOnly: () =>
    apiError(403, 'forbidden', 'Only account owners and admins can manage API keys.'),
  scopesExceedCaller: (scope: string) =>
    apiError(403, 'insufficient_permissions', `You cannot create a key with the ${scope} scope: you do not hold it yourself.`, {
      param: 'scopes',
    }),
  expiryInPast: () => apiError(400, 'parameter_invalid', 'expires_at must be in the future.', { param: 'expires_at' }),
  notFound: () => apiError(404, 'resource_missing', 'No such API key.'),
};
