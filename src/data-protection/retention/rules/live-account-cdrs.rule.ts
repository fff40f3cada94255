import { Injectable } from '@nestjs/common';
import { purge } from '../purge';
import type { RetentionRule, RuleContext } from '../retention-context';
import { daysBefore } from '../retention-policy';
import { RetentionRepository } from '../retention.repository';

/**
 * CDRs of live accounts are kept for the account's lifetime, so by default this rule does
 * nothing. An operator override (`cdr_retention_days`, e.g. at the customer's request) deletes
 * an active account's CDRs older than that; a legal hold wins over it.
 */
@Injectable()
export class LiveAccountCdrsRule implements RetentionRule {
  readonly name = 'live_account_cdrs';

  constructor(private readonly sql: RetentionRepository) {}

  async run(ctx: RuleContext): Promise<void> {
    ctx.add(this.name, 0);
    for (const account of ctx.overridden) {
      const days = account.overrides.cdr_retention_days;
      if (account.status !== 'active' || account.overrides.legal_hold || days === undefined) continue;
      await purge(ctx, this.sql, this.name, 'cdrs', 'account_id = $1 AND started_at < $2', [account.id, daysBefore(ctx.now, days)]);
    }
  }
}
