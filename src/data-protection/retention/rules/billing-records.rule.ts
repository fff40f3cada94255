import { Injectable } from '@nestjs/common';
import { billingRetentionYears, longestBillingRetentionYears, yearsBefore } from '../jurisdictions';
import { purge } from '../purge';
import type { RetentionRule, RuleContext } from '../retention-context';
import { daysBefore } from '../retention-policy';
import { RetentionRepository } from '../retention.repository';

/**
 * Billing records of anonymised accounts — invoices and the (masked) CDRs — deleted once older
 * than the tax period: each invoice by its own jurisdiction, the account's CDRs by the longest
 * period among its invoices' jurisdictions (7 years with none listed), measured from the
 * record's date. An operator override replaces the period; a legal hold keeps everything.
 * Only accounts anonymised before this run started: a dry run and a real run then agree.
 */
@Injectable()
export class BillingRecordsRule implements RetentionRule {
  readonly name = 'billing_records';

  constructor(private readonly sql: RetentionRepository) {}

  async run(ctx: RuleContext): Promise<void> {
    ctx.add('billing_invoices', 0);
    ctx.add('billing_cdrs', 0);
    const held = ctx.heldAccountIds();
    const accounts = await this.sql.query<{ id: string }>(
      `SELECT a.id FROM accounts a
        WHERE a.status = 'anonymized' AND a.anonymized_at < $1 AND NOT (a.id = ANY($2))
          AND (EXISTS (SELECT 1 FROM invoices i WHERE i.account_id = a.id) OR EXISTS (SELECT 1 FROM cdrs c WHERE c.account_id = a.id))`,
      [ctx.now, held],
    );
    for (const { id } of accounts) {
      const overrideDays = ctx.policyOf(id).billing_retention_days;
      const jurisdictions = (
        await this.sql.query<{ jurisdiction: string }>('SELECT DISTINCT jurisdiction FROM invoices WHERE account_id = $1', [id])
      ).map((r) => r.jurisdiction);
      const cutoffFor = (years: number) => (overrideDays !== undefined ? daysBefore(ctx.now, overrideDays) : yearsBefore(ctx.now, years));
      for (const jurisdiction of jurisdictions) {
        await purge(ctx, this.sql, 'billing_invoices', 'invoices', 'account_id = $1 AND jurisdiction = $2 AND issued_at < $3', [
          id,
          jurisdiction,
          cutoffFor(billingRetentionYears(jurisdiction)),
        ]);
      }
      await purge(ctx, this.sql, 'billing_cdrs', 'cdrs', 'account_id = $1 AND started_at < $2', [
        id,
        cutoffFor(longestBillingRetentionYears(jurisdictions)),
      ]);
    }
    ctx.progress(this.name, `${accounts.length} anonymised account(s) checked`);
  }
}
