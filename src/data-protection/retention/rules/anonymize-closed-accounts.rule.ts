import { Injectable } from '@nestjs/common';
import type { RetentionRule, RuleContext } from '../retention-context';
import { closureGraceDays } from '../retention-overrides';
import {
  ANONYMIZED_ACCOUNT_NAME,
  CDR_EXTERNAL_ID_MASK_PREFIX,
  CDR_NUMBER_MASK,
  daysBefore,
} from '../retention-policy';
import { RetentionRepository, type Sql } from '../retention.repository';
import { AccountErasure } from '../account-erasure';
import { EventPublisher, type EventTx } from '../../../events/events/event-publisher';
import { WebhookEndpointsService } from '../../../events/webhook-endpoints/webhook-endpoints.service';

const FAR_FUTURE = new Date('9999-12-31T00:00:00.000Z');
const UNMASKED = `NOT (from_number = $2 AND to_number = $2 AND starts_with(external_id, $3))`;

/**
 * Accounts closed at least 30 days ago (or their override) and not under legal hold are
 * anonymised in three recorded steps, so a run killed at any moment resumes where it stopped:
 *  1. closed → `anonymizing` (one conditional update; the operator can no longer reopen);
 *  2. CDR caller/callee numbers overwritten with a fixed mask and the switch's call id replaced,
 *     in keyset batches (each its own transaction; rows already masked are skipped) — duration,
 *     cost and times stay for billing;
 *  3. one transaction removing every other piece of personal data (AccountErasure) and marking
 *     the account `anonymized`.
 * Accounts left in `anonymizing` by an interrupted run are picked up first.
 */
@Injectable()
export class AnonymizeClosedAccountsRule implements RetentionRule {
  readonly name = 'anonymize_closed_accounts';

  constructor(
    private readonly sql: RetentionRepository,
    private readonly erasure: AccountErasure,
    private readonly events: EventPublisher,
    private readonly webhookEndpoints: WebhookEndpointsService,
  ) {}

  async run(ctx: RuleContext): Promise<void> {
    ctx.add('anonymized_accounts', 0);
    ctx.add('masked_cdrs', 0);
    const due = await this.dueAccounts(ctx);
    for (const accountId of due) {
      if (ctx.dryRun) {
        ctx.add('masked_cdrs', await this.sql.count('cdrs', `account_id = $1 AND ${UNMASKED}`, [accountId, CDR_NUMBER_MASK, CDR_EXTERNAL_ID_MASK_PREFIX]));
        ctx.add('anonymized_accounts', 1);
        continue;
      }
      const started = await this.sql.execute(
        `UPDATE accounts SET status = 'anonymizing', updated_at = now() WHERE id = $1 AND status IN ('closed', 'anonymizing')`,
        [accountId],
      );
      if (started === 0) continue; // reopened meanwhile
      await this.maskCdrs(ctx, accountId);
      const done = await this.sql.transaction((tx) => this.finish(tx, accountId, ctx));
      if (done) ctx.add('anonymized_accounts', 1);
      await ctx.batchDone();
      ctx.progress(this.name, `account anonymised`);
    }
    ctx.progress(this.name, `${due.length} account(s) due`);
  }

  private async dueAccounts(ctx: RuleContext): Promise<string[]> {
    const rows = await this.sql.query<{ id: string; status: string; closed_at: Date }>(
      `SELECT id, status, closed_at FROM accounts WHERE status IN ('closed', 'anonymizing') ORDER BY closed_at, id`,
      [],
    );
    return rows
      .filter((row) => {
        const policy = ctx.policyOf(row.id);
        if (policy.legal_hold) return false;
        return row.status === 'anonymizing' || row.closed_at <= daysBefore(ctx.now, closureGraceDays(policy));
      })
      .map((row) => row.id);
  }

  /** Newest first along the (account_id, started_at, id) index; the position lives only in this run. */
  private async maskCdrs(ctx: RuleContext, accountId: string): Promise<void> {
    let at = FAR_FUTURE;
    let id = '';
    for (;;) {
      const [row] = await this.sql.query<{ masked: number; scanned: number; last_at: Date | null; last_id: string | null }>(
        `WITH batch AS (
           SELECT id, started_at FROM cdrs
            WHERE account_id = $1 AND (started_at < $4 OR (started_at = $4 AND id < $5))
            ORDER BY started_at DESC, id DESC LIMIT ${Math.floor(ctx.batchSize)}
         ), masked AS (
           UPDATE cdrs c SET from_number = $2, to_number = $2, external_id = $3 || c.id
             FROM batch b
            WHERE c.id = b.id AND NOT (c.from_number = $2 AND c.to_number = $2 AND starts_with(c.external_id, $3))
           RETURNING 1
         ), last AS (
           SELECT id, started_at FROM batch ORDER BY started_at ASC, id ASC LIMIT 1
         )
         SELECT (SELECT count(*) FROM masked)::int AS masked, (SELECT count(*) FROM batch)::int AS scanned,
                (SELECT started_at FROM last) AS last_at, (SELECT id FROM last) AS last_id`,
        [accountId, CDR_NUMBER_MASK, CDR_EXTERNAL_ID_MASK_PREFIX, at, id],
      );
      ctx.add('masked_cdrs', row.masked);
      if (row.scanned === 0 || row.last_at === null || row.last_id === null) return;
      if (row.masked > 0) await ctx.batchDone();
      at = row.last_at;
      id = row.last_id;
    }
  }

  private async finish(tx: Sql, accountId: string, ctx: RuleContext): Promise<boolean> {
    const [locked] = await tx.$queryRawUnsafe<{ status: string }[]>('SELECT status FROM accounts WHERE id = $1 FOR UPDATE', accountId);
    if (locked?.status !== 'anonymizing') return false;
    // CDRs that arrived between step 2 and now: masked here, inside the transaction.
    await tx.$executeRawUnsafe(
      `UPDATE cdrs SET from_number = $2, to_number = $2, external_id = $3 || id WHERE account_id = $1 AND ${UNMASKED}`,
      accountId,
      CDR_NUMBER_MASK,
      CDR_EXTERNAL_ID_MASK_PREFIX,
    );
    await this.erasure.erase(tx, accountId, ctx.policyOf(accountId), new Date());
    await tx.$executeRawUnsafe(
      `UPDATE accounts SET status = 'anonymized', anonymized_at = now(), name = $2, updated_at = now() WHERE id = $1`,
      accountId,
      ANONYMIZED_ACCOUNT_NAME,
    );
    // RetentionRepository.transaction hands out Prisma's transaction client behind the narrower Sql type.
    // The account has no one left to notify: its endpoints (URLs, secrets) go; the event stays on record.
    await this.webhookEndpoints.deleteForAccount(tx as EventTx, accountId);
    await this.events.publish(tx as EventTx, { type: 'account.anonymized', accountId, resourceId: accountId, data: { account_id: accountId, anonymized_at: new Date().toISOString() } });
    return true;
  }
}
