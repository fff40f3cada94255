import { Injectable } from '@nestjs/common';
import type { RetentionRule, RuleContext } from '../retention-context';
import { daysBefore, RETENTION_DEFAULTS } from '../retention-policy';
import { RetentionRepository } from '../retention.repository';
import { purgeById } from '../purge';

/**
 * Sessions revoked, idle-expired or past their absolute lifetime more than 7 days ago. They
 * authenticate nothing already; the grace keeps recent ones for support questions ("was I
 * signed out?") and costs little.
 */
@Injectable()
export class DeadSessionsRule implements RetentionRule {
  readonly name = 'sessions';

  constructor(private readonly sql: RetentionRepository) {}

  run(ctx: RuleContext): Promise<void> {
    const cutoff = daysBefore(ctx.now, RETENTION_DEFAULTS.deadCredentialGraceDays);
    return purgeById(
      ctx,
      this.sql,
      this.name,
      'sessions',
      '(revoked_at IS NOT NULL AND revoked_at < $1) OR idle_expires_at < $1 OR absolute_expires_at < $1',
      [cutoff],
    );
  }
}
