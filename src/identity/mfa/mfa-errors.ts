import { apiError } from '../../platform/errors/api-error';

/** Error codes of MFA setup, the second sign-in step and step-up. */
export const MfaErrors = {
  alreadyEnabled: () => apiError(409, 'mfa_already_enabled', 'Multi-factor authentication is already enabled.'),
  notEnabled: () => apiError(409, 'mfa_not_enabled', 'Multi-factor authentication is not enabled.'),
  setupNotStarted: () =>
    apiError(409, 'mfa_setup_not_started', 'Start the setup with POST /v1/auth/mfa/setup-start first.'),
  invalidCode: () => apiError(401, 'mfa_code_invalid', 'The code is wrong, expired or already used.', { param: 'code' }),
  invalidToken: () =>
    apiError(401, 'mfa_token_invalid', 'The mfa_token is unknown, expired or already used: sign in again.', {
      param: 'mfa_token',
    }),
  factorMissing: () =>
    apiError(400, 'parameter_missing', 'Send a code (code) or a passkey assertion (passkey).', { param: 'code' }),
  oneFactor: () => apiError(400, 'parameter_invalid', 'Send either code or passkey, not both.', { param: 'passkey' }),
  locked: (retryAfterSeconds: number) =>
    apiError(429, 'mfa_locked', 'Too many wrong codes: this sign-in is locked. Try again later.', {
      headers: { 'Retry-After': String(Math.max(1, retryAfterSeconds)) },
    }),
};
