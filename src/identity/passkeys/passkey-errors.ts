import { apiError } from '../../platform/errors/api-error';

/** Error codes of passkey registration, sign-in and management. */
export const PasskeyErrors = {
  /** One answer for every refused assertion (unknown passkey, replayed or foreign challenge, bad signature, wrong origin, counter gone back). */
  assertionRefused: (param = 'credential') =>
    apiError(401, 'passkey_invalid', 'The passkey could not be verified: request new options and try again.', { param }),
  registrationRefused: (reason: string) =>
    apiError(400, 'passkey_registration_invalid', `The passkey could not be registered: ${reason}`, { param: 'credential' }),
  alreadyRegistered: () =>
    apiError(409, 'passkey_already_registered', 'This passkey is already registered.', { param: 'credential' }),
  invalidId: () => apiError(400, 'parameter_invalid', 'id is not a passkey id.', { param: 'id' }),
  tooMany: (max: number) => apiError(409, 'passkey_limit_reached', `A user may register at most ${max} passkeys.`),
};
