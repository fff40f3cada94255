import { Injectable } from '@nestjs/common';
import { purge } from '../purge';
import type { RetentionRule, RuleContext } from '../retention-context';
import { daysBefore, RETENTION_DEFAULTS } from '../retention-policy';
import { RetentionRepository } from '../retention.repository';

/**
 * Login history: 90 days. History belongs to a user, overrides to accounts: a user's history is
 * kept for the longest period among their accounts (an account without an override counts as
 * 90 days), and not deleted at all while one of their accounts is under legal hold. Everyone
 * else goes in one pass over the created_at index.
 */
@Injectable()
export class LoginHistoryRule implements RetentionRule {
  readonly name = 'login_history';

  constructor(private readonly sql: RetentionRepository) {}

  async run(ctx: RuleContext): Promise<void> {
    const special = await this.usersWithOwnPeriod(ctx);
    const defaultCutoff = daysBefore(ctx.now, RETENTION_DEFAULTS.loginHistoryDays);
    await purge(ctx, this.sql, this.name, 'login_attempts', 'created_at < $1 AND (user_id IS NULL OR NOT (user_id = ANY($2)))', [
      defaultCutoff,
      [...special.keys()],
    ]);
    for (const [userId, days] of special) {
      if (days === null) continue;
      await purge(ctx, this.sql, this.name, 'login_attempts', 'user_id = $1 AND created_at < $2', [userId, daysBefore(ctx.now, days)]);
    }
    ctx.progress(this.name, `${ctx.counts[this.name]} attempt(s) older than their period`);
  }

  /** Members of accounts with a login-history override or a legal hold → their period (null = keep). */
  private async usersWithOwnPeriod(ctx: RuleContext): Promise<Map<string, number | null>> {
    const relevant = ctx.overridden.filter((a) => a.overrides.legal_hold || a.overrides.login_history_days !== undefined);
    if (!relevant.length) return new Map();
    const rows = await this.sql.query<{ user_id: string; account_id: string }>(
      `SELECT m.user_id, m.account_id FROM memberships m
        WHERE m.user_id IN (SELECT user_id FROM memberships WHERE account_id = ANY($1))`,
      [relevant.map((a) => a.id)],
    );
    const periods = new Map<string, number | null>();
    for (const { user_id: userId, account_id: accountId } of rows) {
      const policy = ctx.policyOf(accountId);
      const days = policy.legal_hold ? null : (policy.login_history_days ?? RETENTION_DEFAULTS.loginHistoryDays);
      const current = periods.get(userId);
      if (current === null) continue;
      periods.set(userId, days === null ? null : Math.max(current ?? 0, days));
    }
    return periods;
  }
}
