import { Injectable } from '@nestjs/common';
import { purge } from '../purge';
import type { RetentionRule, RuleContext } from '../retention-context';
import { RETENTION_DEFAULTS } from '../retention-policy';
import { RetentionRepository } from '../retention.repository';

/**
 * Idempotency records: replayable for 24 h (`expires_at`), deleted one hour after that — the
 * grace keeps a retry that arrives exactly at the 24 h mark from racing the purge.
 */
@Injectable()
export class IdempotencyRecordsRule implements RetentionRule {
  readonly name = 'idempotency_records';

  constructor(private readonly sql: RetentionRepository) {}

  run(ctx: RuleContext): Promise<void> {
    const cutoff = new Date(ctx.now.getTime() - RETENTION_DEFAULTS.idempotencyGraceHours * 3600_000);
    return purge(ctx, this.sql, this.name, 'idempotency_records', 'expires_at < $1', [cutoff]);
  }
}
