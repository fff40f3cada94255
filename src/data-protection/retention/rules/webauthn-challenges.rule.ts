import { Injectable } from '@nestjs/common';
import type { RetentionRule, RuleContext } from '../retention-context';
import { daysBefore, RETENTION_DEFAULTS } from '../retention-policy';
import { RetentionRepository } from '../retention.repository';
import { purge } from '../purge';

/**
 * Passkey ceremony challenges expired more than 7 days ago (they live 5 minutes; anyone may ask
 * for sign-in options, so without this the table only grows). Served by the expires_at index.
 */
@Injectable()
export class WebauthnChallengesRule implements RetentionRule {
  readonly name = 'webauthn_challenges';

  constructor(private readonly sql: RetentionRepository) {}

  run(ctx: RuleContext): Promise<void> {
    const cutoff = daysBefore(ctx.now, RETENTION_DEFAULTS.deadCredentialGraceDays);
    return purge(ctx, this.sql, this.name, 'webauthn_challenges', 'expires_at < $1', [cutoff]);
  }
}
