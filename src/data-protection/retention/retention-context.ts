import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { type RetentionOverrides, readOverrides } from './retention-overrides';
import type { OverriddenAccount } from './retention.repository';

/**
 * After each batch the run waits as long as the batch took (plus RETENTION_BATCH_PAUSE_MS):
 * at most half of one database backend's time goes to deleting, so concurrent reads keep
 * their latency (bench:retention measures both sides of this trade).
 */
const YIELD_RATIO = 1;

/** Thrown between batches when a run reaches its `abortAfterBatches` limit (tests: a kill mid-way). */
export class RetentionAborted extends Error {
  constructor(readonly batches: number) {
    super(`run stopped after ${batches} batches`);
  }
}

export interface RunOptions {
  dryRun: boolean;
  batchSize: number;
  pauseMs: number;
  /** Stop (as if killed) after this many batches; for proving a rerun finishes the job. */
  abortAfterBatches?: number;
}

export interface AccountPolicy extends OverriddenAccount {
  overrides: RetentionOverrides;
}

/**
 * What a rule sees of its run: the clock (one `now` for the whole run, so a dry run and a real
 * run started at the same moment agree), the batch size, counters, and the batch gate that
 * pauses between batches and stops a run at its test limit.
 */
export class RuleContext {
  readonly counts: Record<string, number> = {};
  private batches = 0;
  private batchStartedAt = performance.now();

  constructor(
    readonly now: Date,
    readonly options: RunOptions,
    private readonly logger: Logger,
    /** Accounts with operator overrides, read once at the start of the run. */
    readonly overridden: AccountPolicy[],
  ) {}

  get dryRun(): boolean {
    return this.options.dryRun;
  }

  get batchSize(): number {
    return this.options.batchSize;
  }

  add(counter: string, n: number): void {
    this.counts[counter] = (this.counts[counter] ?? 0) + n;
  }

  /** Call after every batch that changed something. */
  async batchDone(): Promise<void> {
    this.batches++;
    if (this.options.abortAfterBatches !== undefined && this.batches >= this.options.abortAfterBatches) {
      throw new RetentionAborted(this.batches);
    }
    const pause = this.options.pauseMs + (performance.now() - this.batchStartedAt) * YIELD_RATIO;
    if (pause >= 1) await sleep(pause);
    this.batchStartedAt = performance.now();
  }

  /** Accounts under legal hold: nothing of theirs is deleted or anonymised. */
  heldAccountIds(): string[] {
    return this.overridden.filter((a) => a.overrides.legal_hold).map((a) => a.id);
  }

  policyOf(accountId: string): RetentionOverrides {
    return this.overridden.find((a) => a.id === accountId)?.overrides ?? {};
  }

  progress(rule: string, message: string): void {
    this.logger.info({ rule, counts: this.counts }, `retention ${rule}: ${message}`);
  }
}

export function toPolicies(accounts: OverriddenAccount[]): AccountPolicy[] {
  return accounts.map((a) => ({ ...a, overrides: readOverrides(a.retentionOverrides) }));
}

/** A rule of the retention table: one file each under rules/. */
export interface RetentionRule {
  /** Stable name, used in logs and as the prefix of its counters. */
  readonly name: string;
  run(ctx: RuleContext): Promise<void>;
}
