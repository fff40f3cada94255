import { Injectable } from '@nestjs/common';
import { AuthErrors } from '../auth/auth-errors';
import { PasswordAttempts } from '../auth/password-attempts.service';
import { SecondFactor } from '../auth/second-factor';
import type { SessionPrincipal } from '../common/auth/principal';
import { CommonErrors } from '../common/errors/common-errors';
import { MailService } from '../mail/mail.service';
import { closureGraceDays, readOverrides } from '../retention/retention-overrides';
import { daysAfter } from '../retention/retention-policy';
import { AccountClosureErrors } from './account-closure-errors';
import { AccountClosureRepository } from './account-closure.repository';
import { toAccountClosureResponse, type AccountClosureResponseDto } from './dto/close-account.dto';

/**
 * `POST /v1/account/close`: the owner proves who they are (password, and the second factor
 * when MFA is on — both count toward the sign-in lock-out), then the account is closed and
 * everything acting for it revoked at once. Anonymisation follows after the grace period
 * (src/retention/rules/anonymize-closed-accounts.rule.ts); until then the operator can reopen.
 */
@Injectable()
export class AccountClosureService {
  constructor(
    private readonly repo: AccountClosureRepository,
    private readonly passwords: PasswordAttempts,
    private readonly secondFactor: SecondFactor,
    private readonly mail: MailService,
  ) {}

  async close(principal: SessionPrincipal, password: string, code: string | undefined): Promise<AccountClosureResponseDto> {
    if (principal.role !== 'owner') throw AccountClosureErrors.ownerOnly();
    const user = await this.repo.closer(principal.userId);
    if (!user) throw CommonErrors.unauthenticated();
    if (!(await this.passwords.verifyFirstFactor(principal.userId, password, user.passwordHash))) {
      throw AuthErrors.invalidPassword('password');
    }
    await this.checkSecondFactor(principal.userId, code);
    await this.passwords.clear(principal.userId);

    const now = new Date();
    const result = await this.repo.close(principal.accountId, now);
    if (!result) throw CommonErrors.notFound('account');
    const anonymizeAfter = daysAfter(result.account.closedAt ?? now, closureGraceDays(readOverrides(result.account.retentionOverrides)));
    if (result.changed) {
      for (const to of result.ownerEmails) {
        await this.mail.sendBestEffort({
          to,
          subject: 'Your DIDHub account was closed',
          text:
            `The DIDHub account "${result.account.name}" was closed on ${now.toISOString().slice(0, 10)}. ` +
            'Every session and API key of the account has been revoked.\n\n' +
            `Its personal data (members, compliance data, call records' numbers) will be anonymised on ${anonymizeAfter.toISOString().slice(0, 10)}. ` +
            'Billing records stay for the period tax law requires and are then deleted.\n\n' +
            'If this was a mistake, contact support@didhub.io before that date to reopen the account.\n',
        });
      }
    }
    return toAccountClosureResponse(result.account, anonymizeAfter);
  }

  /** With MFA on a code is required; a wrong one counts toward the lock-out like a wrong password. */
  private async checkSecondFactor(userId: string, code: string | undefined): Promise<void> {
    if (!(await this.secondFactor.isEnabled(userId))) return;
    if (code === undefined) throw AccountClosureErrors.codeRequired();
    if (!(await this.secondFactor.acceptCode(userId, code))) {
      await this.passwords.recordWrongFactor(userId);
      throw AuthErrors.invalidCode();
    }
  }
}
