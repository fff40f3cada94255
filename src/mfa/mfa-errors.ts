import { apiError } from '../common/errors/api-error';

/** Error codes of MFA setup, the second sign-in step and step-up. */
export const MfaErrors = {
  alreadyEnabled: () => apiError(409, 'mfa_already_enabled', 'Multi-factor authentication is already enabled.'),
  notEnabled: () => apiError(409, 'mfa_not_enabled', 'Multi-factor authentication is not enabled.'),
  setupNotStarted: () =>
    apiError(409, 'mfa_setup_not_started', 'Start the setup with POST /v1/auth/mfa/setup-start first.'),
  invalidCode: () => apiError(401, 'mfa_code_invalid', 'The code is wrong, expired or already used.', { param: 'code' }),
  invalidPassword: (param = 'password') => apiError(401, 'invalid_password', `${param} is not your current password.`, { param }),
  codeRequired: () =>
    apiError(400, 'parameter_missing', 'Multi-factor authentication is on: send the current code (code).', { param: 'code' }),
  proofRequired: () =>
    apiError(400, 'parameter_missing', 'Send the current code (code) or the password (password).', { param: 'code' }),
  invalidToken: () =>
    apiError(401, 'mfa_token_invalid', 'The mfa_token is unknown, expired or already used: sign in again.', {
      param: 'mfa_token',
    }),
  locked: (retryAfterSeconds: number) =>
    apiError(429, 'mfa_locked', 'Too many wrong codes: this sign-in is locked. Try again later.', {
      headers: { 'Retry-After': String(Math.max(1, retryAfterSeconds)) },
    }),
  reauthenticationRequired: () =>
    apiError(
      403,
      'reauthentication_required',
      'This action needs a recent sign-in: call POST /v1/auth/reauthenticate with your password or MFA code, then retry.',
    ),
};
