import { apiError } from '../../platform/errors/api-error';

/** Error codes of accounts, members, invitations and account switching. */
export const AccountErrors = {
  roleRequired: () =>
    apiError(403, 'insufficient_role', 'Only owners and admins of this account can do this.'),
  ownerRequired: () =>
    apiError(403, 'owner_role_required', 'Only an owner can grant the owner role or change or remove an owner.'),
  lastOwner: () =>
    apiError(409, 'last_owner', 'An account needs at least one owner: make someone else an owner first.'),
  alreadyMember: (param: 'email' | 'token') =>
    apiError(409, 'already_member', 'This user is already a member of the account.', { param }),
  invalidAccountId: () =>
    apiError(400, 'parameter_invalid', 'account_id is not an account id (acct_ followed by 22 letters or digits).', {
      param: 'account_id',
    }),
  unknownPermission: (allowed: readonly string[]) =>
    apiError(400, 'parameter_invalid', `permissions may only contain: ${allowed.join(', ')}.`, { param: 'permissions' }),
  invitationInvalid: () =>
    apiError(400, 'invitation_invalid', 'This invitation is invalid, expired or already used.', { param: 'token' }),
  invitationEmailMismatch: () =>
    apiError(
      403,
      'invitation_email_mismatch',
      'This invitation was sent to a different e-mail address: sign in as that user (or sign up with it) to accept it.',
    ),
  policyOwnerOnly: () => apiError(403, 'owner_role_required', "Only an owner can change the account's sign-in policy."),
  policyOwnerBelow: (policy: string) =>
    apiError(
      409,
      'mfa_policy_not_met_by_you',
      policy === 'phishing_resistant'
        ? 'Sign in with a passkey (or register one in this session) before requiring passkeys of every member.'
        : 'Sign in with a second factor (or set one up in this session) before requiring it of every member.',
      { param: 'mfa_policy' },
    ),
  policyNeedsSession: () =>
    apiError(403, 'session_required', "The sign-in policy is changed from a signed-in dashboard session, not with an API key."),
  resetOwnFactor: () =>
    apiError(400, 'parameter_invalid', 'To remove your own second factor use POST /v1/auth/mfa/disable or DELETE /v1/auth/passkeys/{id}.', {
      param: 'id',
    }),
  updateEmpty: () => apiError(400, 'parameter_invalid', 'Send name, mfa_policy or mfa_grace_period_days.', { param: 'name' }),
  accountClosed: () => apiError(403, 'account_closed', 'This account is closed.'),
};
