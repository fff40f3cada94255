import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../../platform/config/config.module';
import type { AppConfig } from '../../platform/config/config.types';
import { Metrics } from '../../platform/metrics/metrics';
import { CdrErrors } from './cdr-errors';

/**
 * Concurrent CSV exports per account on this instance (EXPORTS_PER_ACCOUNT). An export can
 * last as long as its client reads; without a cap one key could hold every export connection.
 * Per instance, like the export pool it protects.
 */
@Injectable()
export class ExportSlots {
  private readonly running = new Map<string, number>();
  private readonly limit: number;

  constructor(@Inject(APP_CONFIG) config: AppConfig, metrics: Metrics) {
    this.limit = config.pools.exportsPerAccount;
    metrics.gauge('didhub_export_slots_in_use', 'CSV exports running on this instance', () => this.runningTotal);
  }

  /** Exports running on this instance (all accounts). */
  get runningTotal(): number {
    let total = 0;
    for (const n of this.running.values()) total += n;
    return total;
  }

  /** Takes a slot or throws 429; the returned function gives it back (idempotent). */
  acquire(accountId: string): () => void {
    const current = this.running.get(accountId) ?? 0;
    if (current >= this.limit) throw CdrErrors.tooManyExports(this.limit);
    this.running.set(accountId, current + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.running.get(accountId) ?? 1) - 1;
      if (left > 0) this.running.set(accountId, left);
      else this.running.delete(accountId);
    };
  }
}
