import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { newId } from '../../platform/ids/ids';
import { APP_LOGGER } from '../../platform/logging/logger';
import { safeError } from '../../platform/logging/safe-error';
import { APP_CONFIG } from '../../platform/config/config.module';
import type { AppConfig } from '../../platform/config/config.types';
import { Metrics } from '../../platform/metrics/metrics';
import { RetentionAborted, type RetentionRule, RuleContext, type RunOptions, toPolicies } from './retention-context';
import { RetentionRepository, type RetentionRunRow } from './retention.repository';
import { AnonymizeClosedAccountsRule } from './rules/anonymize-closed-accounts.rule';
import { BillingRecordsRule } from './rules/billing-records.rule';
import { ComplianceRecordsRule } from './rules/compliance-records.rule';
import { ErasureRequestsRule } from './rules/erasure-requests.rule';
import { StaleUploadsRule } from './rules/stale-uploads.rule';
import { DeadSessionsRule } from './rules/dead-sessions.rule';
import { EmailTokensRule } from './rules/email-tokens.rule';
import { IdempotencyRecordsRule } from './rules/idempotency-records.rule';
import { LiveAccountCdrsRule } from './rules/live-account-cdrs.rule';
import { LoginHistoryRule } from './rules/login-history.rule';
import { LoginThrottlesRule } from './rules/login-throttles.rule';
import { MailFilesRule } from './rules/mail-files.rule';
import { MfaChallengesRule } from './rules/mfa-challenges.rule';
import { WebauthnChallengesRule } from './rules/webauthn-challenges.rule';
import { EventsRule } from './rules/events.rule';
import { EventPublisher } from '../../events/events/event-publisher';

export type RunTrigger = 'schedule' | 'cli' | 'api';

export interface RunRequest {
  dryRun: boolean;
  batchSize?: number;
  pauseMs?: number;
  abortAfterBatches?: number;
  /** Called after each rule with that rule's counts (the CLI prints a line). */
  onRuleDone?: (rule: string, counts: Record<string, number>) => void;
}

export interface StartedRun {
  run: RetentionRunRow;
  finished: Promise<RetentionRunRow>;
}

/**
 * Runs the retention rules in order, one runner at a time across instances (PostgreSQL
 * advisory lock; PGlite has one process, so an in-process flag), each run recorded with its
 * per-rule counts. Order matters only for the counts of a dry run to equal a real run's: rules
 * that delete what anonymisation would also remove run first, and billing deletion looks only
 * at accounts anonymised before the run began.
 */
@Injectable()
export class RetentionService {
  private readonly rules: RetentionRule[];

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(APP_LOGGER) private readonly logger: Logger,
    private readonly repo: RetentionRepository,
    private readonly metrics: Metrics,
    idempotency: IdempotencyRecordsRule,
    sessions: DeadSessionsRule,
    emailTokens: EmailTokensRule,
    mfaChallenges: MfaChallengesRule,
    webauthnChallenges: WebauthnChallengesRule,
    loginHistory: LoginHistoryRule,
    loginThrottles: LoginThrottlesRule,
    liveCdrs: LiveAccountCdrsRule,
    billing: BillingRecordsRule,
    compliance: ComplianceRecordsRule,
    erasureRequests: ErasureRequestsRule,
    staleUploads: StaleUploadsRule,
    anonymize: AnonymizeClosedAccountsRule,
    mailFiles: MailFilesRule,
    events: EventsRule,
    private readonly publisher: EventPublisher,
  ) {
    this.rules = [
      idempotency,
      sessions,
      emailTokens,
      mfaChallenges,
      webauthnChallenges,
      loginHistory,
      loginThrottles,
      liveCdrs,
      billing,
      compliance,
      erasureRequests,
      staleUploads,
      anonymize,
      mailFiles,
      events,
    ];
  }

  /** Runs to the end; null when another runner holds the lock ("already running"). */
  async run(trigger: RunTrigger, request: RunRequest): Promise<RetentionRunRow | null> {
    const attempt = await this.repo.tryLock(() => this.execute(trigger, request));
    return attempt.acquired ? attempt.value : null;
  }

  /**
   * For the operator API: resolves once the lock is held and the run recorded (null when
   * another runner holds it); the rules keep running in the background.
   */
  start(trigger: RunTrigger, request: RunRequest): Promise<StartedRun | null> {
    return new Promise((resolve, reject) => {
      let announced = false;
      const finished: Promise<RetentionRunRow | null> = this.repo
        .tryLock(() =>
          this.execute(trigger, request, (run) => {
            announced = true;
            resolve({ run, finished: finished.then((row) => row!) });
          }),
        )
        .then((attempt) => (attempt.acquired ? attempt.value : null));
      finished.then(
        (row) => {
          if (!announced) resolve(row === null ? null : { run: row, finished: Promise.resolve(row) });
        },
        (error: unknown) => {
          if (!announced) reject(error instanceof Error ? error : new Error(String(error)));
          else this.logger.error({ err: safeError(error) }, 'retention run failed');
        },
      );
    });
  }

  findRun(id: string): Promise<RetentionRunRow | null> {
    return this.repo.findRun(id);
  }

  listRuns(take: number, before: { startedAt: Date; id: string } | null): Promise<RetentionRunRow[]> {
    return this.repo.listRuns(take, before);
  }

  private async execute(trigger: RunTrigger, request: RunRequest, onStarted?: (run: RetentionRunRow) => void): Promise<RetentionRunRow> {
    const now = new Date();
    const abandoned = await this.repo.markAbandonedRuns(now);
    if (abandoned) this.logger.warn({ abandoned }, 'retention: earlier run(s) had stopped mid-way; this run finishes their work');
    const id = newId('retentionRun');
    await this.repo.startRun({ id, trigger, dryRun: request.dryRun, startedAt: now });
    const options: RunOptions = {
      dryRun: request.dryRun,
      batchSize: request.batchSize ?? this.config.retention.batchSize,
      pauseMs: request.pauseMs ?? this.config.retention.batchPauseMs,
      abortAfterBatches: request.abortAfterBatches,
    };
    const log = this.logger.child({ retentionRun: id, dryRun: request.dryRun });
    log.info({ trigger }, 'retention run started');
    onStarted?.((await this.repo.findRun(id))!);

    const ctx = new RuleContext(now, options, log, toPolicies(await this.repo.overriddenAccounts()));
    let status = 'completed';
    let error: string | null = null;
    try {
      for (const rule of this.rules) {
        const started = Date.now();
        const before = { ...ctx.counts };
        await rule.run(ctx);
        const own = Object.fromEntries(Object.entries(ctx.counts).filter(([key, n]) => before[key] !== n || !(key in before)));
        log.info({ rule: rule.name, counts: own, ms: Date.now() - started }, `retention rule ${rule.name} done`);
        request.onRuleDone?.(rule.name, own);
        await this.repo.saveProgress(id, ctx.counts);
      }
    } catch (failure) {
      if (failure instanceof RetentionAborted) {
        status = 'interrupted';
        error = failure.message;
      } else {
        status = 'failed';
        // The class and code only: database errors can quote the values involved.
        const { name, code } = safeError(failure);
        error = `${name}${typeof code === 'string' || typeof code === 'number' ? ` (${code})` : ''}`;
        log.error({ err: safeError(failure) }, 'retention run failed');
      }
    }
    const completed = { type: 'retention.run_completed', accountId: null, resourceId: id, data: { run_id: id, dry_run: request.dryRun, counts: ctx.counts } } as const;
    await this.repo.finishRun(id, status, ctx.counts, error, new Date(), status === 'completed' ? (tx) => this.publisher.publish(tx, completed) : undefined);
    if (!options.dryRun) {
      this.metrics.retentionRuns.inc({ status });
      for (const [counter, n] of Object.entries(ctx.counts)) this.metrics.retentionRows.inc({ counter }, n);
    }
    log.info({ status, counts: ctx.counts }, 'retention run finished');
    return (await this.repo.findRun(id))!;
  }
}
