import { Injectable } from '@nestjs/common';
import type { CustomerPrincipal, SessionPrincipal } from '../../platform/request/principal';
import { ALL_SCOPES } from '../../platform/auth/scopes';
import { CommonErrors } from '../../platform/errors/common-errors';
import { AccountErrors } from './account-errors';
import { requireManager } from './account-roles';
import { AccountsRepository } from './accounts.repository';
import { toAccountResponse, type AccountResponseDto, type UpdateAccountDto } from './dto/account.dto';
import { SignInPolicyService } from './sign-in-policy.service';

@Injectable()
export class AccountsService {
  constructor(
    private readonly accounts: AccountsRepository,
    private readonly policy: SignInPolicyService,
  ) {}

  /** The account the caller acts for: the session's current account, or the key's. */
  async current(principal: CustomerPrincipal): Promise<AccountResponseDto> {
    // Read with the credentials in this request's single authentication query, unless the
    // principal now stands for another account (switch-account answers with the new one).
    const known = principal.account?.id === principal.accountId ? principal.account : undefined;
    const account = known ?? (await this.accounts.find(principal.accountId));
    if (!account) throw CommonErrors.notFound('account');
    return toAccountResponse(account);
  }

  /**
   * PATCH /v1/account: the name (owners and admins, or a `*` key), the sign-in policy (an owner's
   * session after a step-up; never a key, which the policy does not bind either).
   */
  async update(principal: CustomerPrincipal, change: UpdateAccountDto): Promise<AccountResponseDto> {
    const policyChange = change.mfa_policy !== undefined || change.mfa_grace_period_days !== undefined;
    if (change.name === undefined && !policyChange) throw AccountErrors.updateEmpty();
    if (policyChange && principal.kind !== 'session') throw AccountErrors.policyNeedsSession();
    let result: AccountResponseDto | null = null;
    if (change.name !== undefined) result = await this.rename(principal, change.name);
    if (policyChange) {
      result = toAccountResponse(await this.policy.setPolicy(principal as SessionPrincipal, change.mfa_policy, change.mfa_grace_period_days));
    }
    return result!;
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
