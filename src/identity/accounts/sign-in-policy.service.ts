import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import type { SessionPrincipal } from '../../platform/request/principal';
import { CommonErrors } from '../../platform/errors/common-errors';
import { isIdOf } from '../../platform/ids/ids';
import { APP_LOGGER } from '../../platform/logging/logger';
import { MailService } from '../../platform/mail/mail.service';
import { RecentAuthCheck } from '../../platform/auth/recent-auth-check';
import { type MfaPolicy, policyStanding } from '../sessions/mfa-policy-standing';
import { SessionsService } from '../sessions/sessions.service';
import { AccountErrors } from './account-errors';
import { requireManager } from './account-roles';
import { MemberFactors } from './member-factors';
import { type AccountRow, AccountsRepository } from './accounts.repository';
import { type MemberListCursor, type MemberRow, MembersRepository } from './members.repository';

export const DEFAULT_GRACE_DAYS = 7;
const DAY_MS = 24 * 60 * 60 * 1000;
const PAGE = 500;

export interface MemberStanding {
  member: MemberRow;
  factors: { totp: boolean; passkeys: number };
}

/** Whether a member's factors can meet the policy at their next sign-in. */
export function factorsMeet(policy: string, factors: { totp: boolean; passkeys: number }): boolean {
  if (policy === 'off') return true;
  if (policy === 'required') return factors.totp || factors.passkeys > 0;
  return factors.passkeys > 0;
}

/**
 * An account's sign-in policy: setting it (owner, step-up), the report of members who do not
 * meet it, and an admin's reset of a member's second factor. Enforcement itself happens on each
 * session request (SessionsService: policyStanding); nobody is removed from the account.
 */
@Injectable()
export class SignInPolicyService {
  constructor(
    private readonly accounts: AccountsRepository,
    private readonly members: MembersRepository,
    private readonly factors: MemberFactors,
    private readonly sessions: SessionsService,
    private readonly recentSignIn: RecentAuthCheck,
    private readonly mail: MailService,
    @Inject(APP_LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * A new policy (or a new grace period) starts the grace period again from now; `off` clears
   * it. Members who cannot meet the new policy with the factors they have are mailed the date.
   */
  async setPolicy(principal: SessionPrincipal, policy: MfaPolicy | undefined, graceDays: number | undefined): Promise<AccountRow> {
    if (principal.role !== 'owner') throw AccountErrors.policyOwnerOnly();
    await this.recentSignIn.assert(principal);
    const current = await this.accounts.find(principal.accountId);
    if (!current) throw CommonErrors.notFound('account');
    const next = policy ?? (current.mfaPolicy as MfaPolicy);
    // The owner shows the policy can be met first (as GitHub asks), rather than locking themselves into set-up.
    if (policyStanding(next, null, principal.authLevel, new Date()).kind !== 'compliant') throw AccountErrors.policyOwnerBelow(next);
    const restart = next !== current.mfaPolicy || graceDays !== undefined;
    const graceUntil = next === 'off' ? null : restart ? new Date(Date.now() + (graceDays ?? DEFAULT_GRACE_DAYS) * DAY_MS) : current.mfaGraceUntil;
    const row = await this.accounts.setMfaPolicy(principal.accountId, next, graceUntil);
    this.logger.info(
      { event: 'account.mfa_policy_changed', accountId: row.id, actorUserId: principal.userId, policy: next, graceUntil },
      'account sign-in policy changed',
    );
    if (next !== 'off' && restart) await this.mailMembersBelow(row);
    return row;
  }

  /** Every member whose factors do not meet the policy, oldest membership first. */
  async report(principal: SessionPrincipal): Promise<{ account: AccountRow; below: MemberStanding[] }> {
    requireManager(principal);
    const account = await this.accounts.find(principal.accountId);
    if (!account) throw CommonErrors.notFound('account');
    const below: MemberStanding[] = [];
    if (account.mfaPolicy === 'off') return { account, below };
    for await (const standing of this.standings(account.id)) {
      if (!factorsMeet(account.mfaPolicy, standing.factors)) below.push(standing);
    }
    return { account, below };
  }

  /**
   * Removes a member's TOTP, recovery codes and passkeys and ends all their sessions: they set a
   * factor up again at their next sign-in (within the grace period, or in a set-up-only session).
   * Admins cannot reset owners; nobody resets themselves here.
   */
  async resetMember(principal: SessionPrincipal, membershipId: string): Promise<MemberStanding> {
    requireManager(principal);
    if (!isIdOf('membership', membershipId)) throw CommonErrors.notFound('member');
    const member = await this.members.findInAccount(principal.accountId, membershipId);
    if (!member) throw CommonErrors.notFound('member');
    if (member.userId === principal.userId) throw AccountErrors.resetOwnFactor();
    if (member.role === 'owner' && principal.role !== 'owner') throw AccountErrors.ownerRequired();
    const removed = await this.factors.resetAll(member.userId);
    const revoked = await this.sessions.revokeAllForUser(member.userId);
    this.logger.warn(
      {
        event: 'member.mfa_reset',
        accountId: principal.accountId,
        actorUserId: principal.userId,
        memberUserId: member.userId,
        totpRemoved: removed.totp,
        passkeysRemoved: removed.passkeys,
        sessionsRevoked: revoked,
      },
      "member's second factor reset",
    );
    await this.mail.sendBestEffort({
      to: member.user.email,
      subject: 'Your DIDHub second factor was reset',
      text: [
        'An owner or admin of one of your DIDHub accounts reset your two-factor authentication: your authenticator app, ' +
          'recovery codes and passkeys no longer sign you in, and your sessions were ended.',
        'Sign in with your password and set up a passkey or an authenticator app again.',
        'If you did not ask for this, contact the owners of your account and support@didhub.io.',
      ].join('\n\n'),
    });
    return { member: { ...member, user: { ...member.user, mfaEnabled: false } }, factors: { totp: false, passkeys: 0 } };
  }

  private async mailMembersBelow(account: AccountRow): Promise<void> {
    const what = account.mfaPolicy === 'phishing_resistant' ? 'a passkey' : 'a second factor (a passkey or an authenticator app)';
    for await (const { member, factors } of this.standings(account.id)) {
      if (factorsMeet(account.mfaPolicy, factors)) continue;
      await this.mail.sendBestEffort({
        to: member.user.email,
        subject: `Set up ${account.mfaPolicy === 'phishing_resistant' ? 'a passkey' : 'two-factor authentication'} for ${account.name}`,
        text: [
          `The account "${account.name}" now requires ${what} for every member's sign-in.`,
          `Set it up before ${account.mfaGraceUntil?.toISOString()} (UTC) under Settings → Security. After that date, ` +
            'signing in to this account will only let you set it up. You stay a member either way.',
        ].join('\n\n'),
      });
    }
  }

  private async *standings(accountId: string): AsyncGenerator<MemberStanding> {
    let after: MemberListCursor | null = null;
    for (;;) {
      const rows = await this.members.list(accountId, PAGE, after);
      const passkeys = await this.factors.passkeyCounts(rows.map((r) => r.userId));
      for (const member of rows) yield { member, factors: { totp: member.user.mfaEnabled, passkeys: passkeys.get(member.userId) ?? 0 } };
      if (rows.length < PAGE) return;
      const last = rows[rows.length - 1];
      after = { createdAt: last.createdAt, id: last.id };
    }
  }
}
