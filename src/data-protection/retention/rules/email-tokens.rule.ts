import { Injectable } from '@nestjs/common';
import type { RetentionRule, RuleContext } from '../retention-context';
import { daysBefore, RETENTION_DEFAULTS } from '../retention-policy';
import { RetentionRepository } from '../retention.repository';
import { purgeById } from '../purge';

/**
 * E-mail tokens (verification, password reset, invitations — the last carry an address) used
 * or expired more than 7 days ago. A dead token is refused the same way with or without its row.
 */
@Injectable()
export class EmailTokensRule implements RetentionRule {
  readonly name = 'email_tokens';

  constructor(private readonly sql: RetentionRepository) {}

  run(ctx: RuleContext): Promise<void> {
    const cutoff = daysBefore(ctx.now, RETENTION_DEFAULTS.deadCredentialGraceDays);
    return purgeById(ctx, this.sql, this.name, 'email_tokens', '(used_at IS NOT NULL AND used_at < $1) OR expires_at < $1', [cutoff]);
  }
}
