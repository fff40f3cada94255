import { Injectable } from '@nestjs/common';
import type { CustomerPrincipal, SessionPrincipal } from '../../platform/request/principal';
import { ALL_SCOPES } from '../../platform/auth/scopes';
import { CommonErrors } from '../../platform/errors/common-errors';
import { AccountErrors } from './account-errors';
import { requireManager } from './account-roles';
import { AccountsRepository } from './accounts.repository';
import { toAccountResponse, type AccountResponseDto } from './dto/account.dto';

@Injectable()
export class AccountsService {
  constructor(private readonly accounts: AccountsRepository) {}

  /** The account the caller acts for: the session's current account, or the key's. */
  async current(principal: CustomerPrincipal): Promise<AccountResponseDto> {
    // Read with the credentials in this request's single authentication query, unless the
    // principal now stands for another account (switch-account answers with the new one).
    const known = principal.account?.id === principal.accountId ? principal.account : undefined;
    const account = known ?? (await this.accounts.find(principal.accountId));
    if (!account) throw CommonErrors.notFound('account');
    return toAccountResponse(account);
  }

  /** Owners and admins rename with a session; an API key needs the `*` scope (DESIGN §6). */
  async rename(principal: CustomerPrincipal, name: string): Promise<AccountResponseDto> {
    if (principal.kind === 'api_key') {
      if (!principal.scopes.includes(ALL_SCOPES)) throw CommonErrors.missingScope(ALL_SCOPES);
    } else {
      requireManager(principal);
    }
    return toAccountResponse(await this.accounts.rename(principal.accountId, name));
  }

  /**
   * The same session acts for another account of the user. It keeps its id and secret: the
   * cookie proves who the user is, and every request re-reads the role from the membership of
   * the session's current account, so nothing account-specific lives in the cookie to rotate.
   */
  async switchTo(principal: SessionPrincipal, accountId: string): Promise<AccountResponseDto> {
    const membership = await this.accounts.membership(accountId, principal.userId);
    if (!membership) throw CommonErrors.notFound('account');
    if (membership.accountStatus !== 'active') throw AccountErrors.accountClosed();
    if (!(await this.accounts.switchSession(principal.sessionId, principal.userId, accountId))) {
      throw CommonErrors.unauthenticated();
    }
    return this.current({ ...principal, accountId, account: undefined });
  }
}
