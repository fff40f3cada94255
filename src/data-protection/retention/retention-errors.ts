import { apiError } from '../../platform/errors/api-error';

/** Error codes of the retention job's operator API. */
export const RetentionErrors = {
  alreadyRunning: () =>
    apiError(409, 'retention_already_running', 'A retention run is already in progress (on this or another instance).'),
};
