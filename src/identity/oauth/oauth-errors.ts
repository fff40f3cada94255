import { apiError } from '../../platform/errors/api-error';

/** Error codes of OAuth / OpenID Connect sign-in. */
export const OAuthErrors = {
  unknownProvider: () =>
    apiError(404, 'oauth_provider_unknown', 'No sign-in provider of that name is configured.', { param: 'provider' }),
  stateInvalid: () =>
    apiError(
      400,
      'oauth_state_invalid',
      'This sign-in link is invalid, expired or was started in another browser: start the sign-in again.',
      { param: 'state' },
    ),
  denied: () => apiError(401, 'oauth_denied', 'The provider did not sign you in.'),
  callbackInvalid: () =>
    apiError(400, 'oauth_callback_invalid', 'The provider response could not be verified: start the sign-in again.'),
  providerUnavailable: () =>
    apiError(503, 'oauth_provider_unavailable', 'The sign-in provider cannot be reached right now. Try again later.'),
  emailMissing: () =>
    apiError(400, 'oauth_email_missing', 'The provider did not share an email address; allow the email scope and try again.'),
  emailUnverified: () =>
    apiError(
      409,
      'oauth_email_unverified',
      'A user with this email exists, but the provider does not vouch for the address: sign in with your password instead.',
    ),
};
