import { Injectable } from '@nestjs/common';
import type { RetentionRule, RuleContext } from '../retention-context';
import { daysBefore, RETENTION_DEFAULTS } from '../retention-policy';
import { RetentionRepository } from '../retention.repository';
import { purgeById } from '../purge';

/**
 * MFA sign-in challenges used or expired more than 7 days ago — but never one whose lock is
 * still running: the lock on a user's challenges is what limits code guessing.
 */
@Injectable()
export class MfaChallengesRule implements RetentionRule {
  readonly name = 'mfa_challenges';

  constructor(private readonly sql: RetentionRepository) {}

  run(ctx: RuleContext): Promise<void> {
    const cutoff = daysBefore(ctx.now, RETENTION_DEFAULTS.deadCredentialGraceDays);
    return purgeById(
      ctx,
      this.sql,
      this.name,
      'mfa_challenges',
      '(expires_at < $1 OR (used_at IS NOT NULL AND used_at < $1)) AND (locked_until IS NULL OR locked_until < $2)',
      [cutoff, ctx.now],
    );
  }
}
