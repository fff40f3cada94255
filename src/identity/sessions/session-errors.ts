import { apiError } from '../../platform/errors/api-error';

/** Error codes of session management. */
export const SessionErrors = {
  invalidSessionId: () =>
    apiError(400, 'parameter_invalid', 'id is not a session id (ses_ followed by 22 letters or digits).', { param: 'id' }),
};
