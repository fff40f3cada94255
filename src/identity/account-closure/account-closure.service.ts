import { Injectable } from '@nestjs/common';
import type { PasskeyAssertionRequest } from '../auth/dto/passkey-credential.request';
import { StepUpService } from '../auth/step-up.service';
import type { SessionPrincipal } from '../../platform/request/principal';
import { CommonErrors } from '../../platform/errors/common-errors';
import { MailService } from '../../platform/mail/mail.service';
import { closureGraceDays, readOverrides } from '../../data-protection/retention/retention-overrides';
import { daysAfter } from '../../data-protection/retention/retention-policy';
import { EventPublisher } from '../../events/events/event-publisher';
import { AccountClosureErrors } from './account-closure-errors';
import { AccountClosureRepository } from './account-closure.repository';
import { toAccountClosureResponse, type AccountClosureResponseDto } from './dto/close-account.dto';

/**
 * `POST /v1/account/close`: the owner proves who they are (password, and the second factor
 * when MFA is on — both count toward the sign-in lock-out), then the account is closed and
 * everything acting for it revoked at once. Anonymisation follows after the grace period
 * (src/data-protection/retention/rules/anonymize-closed-accounts.rule.ts); until then the operator can reopen.
 */
@Injectable()
export class AccountClosureService {
  constructor(
    private readonly repo: AccountClosureRepository,
    private readonly stepUp: StepUpService,
    private readonly mail: MailService,
    private readonly events: EventPublisher,
  ) {}

  async close(
    principal: SessionPrincipal,
    password: string,
    code: string | undefined,
    passkey?: PasskeyAssertionRequest,
  ): Promise<AccountClosureResponseDto> {
    if (principal.role !== 'owner') throw AccountClosureErrors.ownerOnly();
    const user = await this.repo.closer(principal.userId);
    if (!user) throw CommonErrors.unauthenticated();
    // The one proof service: with MFA on the code is required and checked, and the password too;
    // wrong passwords and wrong codes count toward their lock-outs.
    await this.stepUp.confirm(principal, { password, code, passkey });

    const now = new Date();
    const { accountId } = principal;
    const result = await this.repo.close(accountId, now, async (tx, revokedKeyIds) => {
      for (const id of revokedKeyIds) {
        await this.events.publish(tx, { type: 'api_key.revoked', accountId, resourceId: id, data: { api_key_id: id, revoked_at: now.toISOString() } });
      }
      await this.events.publish(tx, { type: 'account.closed', accountId, resourceId: accountId, data: { account_id: accountId, closed_at: now.toISOString() } });
    });
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
}
