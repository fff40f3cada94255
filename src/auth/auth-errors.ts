import { apiError } from '../common/errors/api-error';

/** Error codes of authentication and authorisation (the guard's refusals). */
export const AuthErrors = {
  invalidApiKey: () => apiError(401, 'invalid_api_key', 'Invalid API key.'),
  invalidAdminToken: () => apiError(401, 'invalid_admin_token', 'Invalid operator token.'),
  sessionRequired: () =>
    apiError(403, 'session_required', 'This endpoint is only available to a signed-in dashboard session, not to API keys.'),
  csrfOriginMismatch: () =>
    apiError(403, 'csrf_origin_mismatch', 'Cookie-authenticated changes must come from an allowed dashboard origin.'),
  missingScope: (scope: string) =>
    apiError(403, 'insufficient_permissions', `This request needs the ${scope} permission.`),
};
