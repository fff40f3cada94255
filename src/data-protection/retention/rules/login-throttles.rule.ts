import { Injectable } from '@nestjs/common';
import type { RetentionRule, RuleContext } from '../retention-context';
import { RETENTION_DEFAULTS } from '../retention-policy';
import { RetentionRepository } from '../retention.repository';
import { purge } from '../purge';

/**
 * Wrong-password counters (keyed by an HMAC of the address, and of address and origin) whose
 * 15-minute window started more than a day ago and that lock nothing: such a row counts for
 * nothing any more (the next failure starts afresh), and kept it would say which addresses
 * were tried, long after the fact.
 */
@Injectable()
export class LoginThrottlesRule implements RetentionRule {
  readonly name = 'login_throttles';

  constructor(private readonly sql: RetentionRepository) {}

  run(ctx: RuleContext): Promise<void> {
    const cutoff = new Date(ctx.now.getTime() - RETENTION_DEFAULTS.loginThrottleGraceHours * 3_600_000);
    return purge(ctx, this.sql, this.name, 'login_throttles', 'window_start_at < $1 AND (locked_until IS NULL OR locked_until < $2)', [cutoff, ctx.now]);
  }
}
