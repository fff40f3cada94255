import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { AccountErasure } from './account-erasure';
import { RetentionController } from './retention.controller';
import { RetentionRepository } from './retention.repository';
import { RetentionScheduler } from './retention.scheduler';
import { RetentionService } from './retention.service';
import { AnonymizeClosedAccountsRule } from './rules/anonymize-closed-accounts.rule';
import { BillingRecordsRule } from './rules/billing-records.rule';
import { ComplianceRecordsRule } from './rules/compliance-records.rule';
import { ErasureRequestsRule } from './rules/erasure-requests.rule';
import { StaleUploadsRule } from './rules/stale-uploads.rule';
import { ComplianceModule } from '../../compliance/compliance.module';
import { EventsModule } from '../../events/events.module';
import { EventsRule } from './rules/events.rule';
import { DeadSessionsRule } from './rules/dead-sessions.rule';
import { EmailTokensRule } from './rules/email-tokens.rule';
import { IdempotencyRecordsRule } from './rules/idempotency-records.rule';
import { LiveAccountCdrsRule } from './rules/live-account-cdrs.rule';
import { LoginHistoryRule } from './rules/login-history.rule';
import { LoginThrottlesRule } from './rules/login-throttles.rule';
import { MailFilesRule } from './rules/mail-files.rule';
import { MfaChallengesRule } from './rules/mfa-challenges.rule';
import { WebauthnChallengesRule } from './rules/webauthn-challenges.rule';

/** The retention job: one rule per file under rules/, scheduled, on demand (CLI, operator API). */
@Module({
  imports: [ScheduleModule.forRoot(), ComplianceModule, EventsModule],
  controllers: [RetentionController],
  providers: [
    RetentionRepository,
    RetentionService,
    RetentionScheduler,
    AccountErasure,
    IdempotencyRecordsRule,
    DeadSessionsRule,
    EmailTokensRule,
    MfaChallengesRule,
    WebauthnChallengesRule,
    LoginHistoryRule,
    LoginThrottlesRule,
    LiveAccountCdrsRule,
    BillingRecordsRule,
    ComplianceRecordsRule,
    ErasureRequestsRule,
    StaleUploadsRule,
    AnonymizeClosedAccountsRule,
    MailFilesRule,
    EventsRule,
  ],
  exports: [RetentionService],
})
export class RetentionModule {}
