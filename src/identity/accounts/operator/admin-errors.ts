import { apiError } from '../../../platform/errors/api-error';

/** Error codes of the operator API. */
export const AdminErrors = {
  accountAnonymized: () =>
    apiError(409, 'account_anonymized', 'This account has been anonymised (or is being anonymised) and cannot be reopened.'),
};
