import type { AccountGrant } from './auth.repository';

export type AccountChoice = { accountId: string } | { refused: 'account_closed' | 'no_account' };

/**
 * The account a fresh session acts for: the user's default account when it is open, else the
 * oldest open membership. Only when every account is closed is sign-in refused as closed.
 */
export function chooseAccount(grants: AccountGrant[], defaultAccountId: string | null): AccountChoice {
  const open = grants.filter((g) => g.accountStatus === 'active');
  const preferred = open.find((g) => g.accountId === defaultAccountId) ?? open[0];
  if (preferred) return { accountId: preferred.accountId };
  return { refused: grants.length ? 'account_closed' : 'no_account' };
}
