import { apiError } from '../../platform/errors/api-error';
import { CommonErrors } from '../../platform/errors/common-errors';

/** Error codes of authentication and authorisation (the guard's refusals). */
export const AuthErrors = {
  invalidApiKey: () => apiError(401, 'invalid_api_key', 'Invalid API key.'),
  bearerSchemeRequired: () =>
    apiError(401, 'invalid_api_key', 'Send the API key as "Authorization: Bearer didhub_live_…" (the Bearer scheme is missing or malformed).'),
  invalidAdminToken: () => apiError(401, 'invalid_admin_token', 'Invalid operator token.'),
  sessionRequired: () =>
    apiError(403, 'session_required', 'This endpoint is only available to a signed-in dashboard session, not to API keys.'),
  csrfOriginMismatch: () =>
    apiError(403, 'csrf_origin_mismatch', 'Cookie-authenticated changes must come from an allowed dashboard origin.'),
  missingScope: CommonErrors.missingScope,
  invalidCredentials: () => apiError(401, 'invalid_credentials', 'The email address or password is incorrect.'),
  emailNotVerified: () =>
    apiError(403, 'email_not_verified', 'Verify your email address first: follow the link in the mail we sent you.'),
  accountClosed: () => apiError(403, 'account_closed', 'This account is closed.'),
  noAccount: () => apiError(403, 'no_account', 'This user is not a member of any account.'),
  tooManyFailedLogins: (retryAfterSeconds: number) =>
    apiError(429, 'too_many_failed_logins', 'Too many failed sign-in attempts. Try again later.', {
      headers: { 'Retry-After': String(retryAfterSeconds) },
    }),
  tokenInvalid: () =>
    apiError(400, 'token_invalid', 'This link is invalid, already used or expired. Request a new one.', { param: 'token' }),
  currentPasswordIncorrect: () =>
    apiError(400, 'current_password_incorrect', 'current_password is not your current password.', { param: 'current_password' }),
  reauthenticationRequired: () =>
    apiError(
      403,
      'reauthentication_required',
      'This action needs a recent sign-in: call POST /v1/auth/reauthenticate with your password or MFA code, then retry.',
    ),
  invalidCode: () => apiError(401, 'mfa_code_invalid', 'The code is wrong, expired or already used.', { param: 'code' }),
  invalidPassword: (param = 'password') => apiError(401, 'invalid_password', `${param} is not your current password.`, { param }),
  proofRequired: (param = 'password') =>
    apiError(400, 'parameter_missing', `Send your password (${param}) to confirm it is you.`, { param }),
  codeRequired: () =>
    apiError(400, 'parameter_missing', 'Multi-factor authentication is on: send a current code (code) or a passkey (passkey); the password alone is not enough.', {
      param: 'code',
    }),
  mfaSetupRequired: (policy: string) =>
    apiError(
      403,
      'mfa_setup_required',
      policy === 'phishing_resistant'
        ? 'This account requires a passkey for every member: register one with POST /v1/auth/passkeys/registration-options, then sign in with it.'
        : 'This account requires a second factor for every member: set up a passkey or an authenticator app (POST /v1/auth/mfa/setup-start), then continue.',
    ),
  oneProof: () => apiError(400, 'parameter_invalid', 'Send either code or passkey, not both.', { param: 'passkey' }),
  weakPassword: (param: string, reason: string) => apiError(400, 'password_too_weak', `${param} ${reason}`, { param }),
};
