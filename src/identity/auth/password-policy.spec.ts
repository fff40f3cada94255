import { chooseAccount } from './account-choice';
import { passwordWeakness } from './password-policy';

describe('password policy', () => {
  it.each([
    ['aaaaaaaaaaaa', 'repeat'],
    ['QWERTYUIOP', 'common'],
    ['Password123', 'common'],
    ['ada.lovelace', 'email'],
    ['ada.lovelace@example.com', 'email'],
    ['short', 'at least'],
  ])('refuses %s', (password, reason) => {
    expect(passwordWeakness(password, 'ada.lovelace@example.com')).toContain(reason);
  });

  it('accepts a long unremarkable passphrase', () => {
    expect(passwordWeakness('tin roof rusted 1989', 'ada.lovelace@example.com')).toBeNull();
  });
});

describe('account chosen at sign-in', () => {
  const grant = (accountId: string, accountStatus = 'active') => ({ accountId, role: 'owner', accountStatus });

  it('prefers the open default account, else the first open one', () => {
    expect(chooseAccount([grant('a'), grant('b')], 'b')).toEqual({ accountId: 'b' });
    expect(chooseAccount([grant('a'), grant('b', 'closed')], 'b')).toEqual({ accountId: 'a' });
  });

  it('refuses when every account is closed, or there is none', () => {
    expect(chooseAccount([grant('a', 'closed')], 'a')).toEqual({ refused: 'account_closed' });
    expect(chooseAccount([], null)).toEqual({ refused: 'no_account' });
  });
});
