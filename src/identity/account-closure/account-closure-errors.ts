import { apiError } from '../../platform/errors/api-error';

/** Error codes of account closure. */
export const AccountClosureErrors = {
  ownerOnly: () => apiError(403, 'owner_role_required', 'Only an owner can close the account.'),
  codeRequired: () =>
    apiError(400, 'parameter_missing', 'Multi-factor authentication is on: send a current code (code).', { param: 'code' }),
};
