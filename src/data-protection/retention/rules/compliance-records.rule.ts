import { Injectable } from '@nestjs/common';
import { type BackingNumberRow, holdUntil } from '../../../compliance/holds/compliance-holds';
import type { RetentionRule, RuleContext } from '../retention-context';
import { CDR_NUMBER_MASK } from '../retention-policy';
import { RetentionRepository } from '../retention.repository';
import { EventPublisher, type EventTx } from '../../../events/events/event-publisher';

interface Candidate extends BackingNumberRow {
  account_id: string;
  account_status: string;
}

const BACKING_NUMBERS = `SELECT n.bundle_id, n.status, n.country, n.released_at, b.account_id, a.status AS account_status
   FROM numbers n JOIN bundles b ON b.id = n.bundle_id JOIN accounts a ON a.id = b.account_id`;

/** The bundles among `rows`' whose every number is released and past its window. */
function expiredOf(rows: Candidate[], ctx: RuleContext): string[] {
  const open = new Set<string>();
  const all = new Set<string>();
  for (const row of rows) {
    all.add(row.bundle_id);
    const until = holdUntil(row, ctx.policyOf(row.account_id));
    if (until === null || until > ctx.now) open.add(row.bundle_id);
  }
  return [...all].filter((id) => !open.has(id));
}

/**
 * Compliance documents and bundles are kept while a bundle backs an active number, then for
 * the regulator's window after the last of its numbers was released (per country, 12 months
 * by default: src/compliance/regulator-windows.ts; or the account's override), then deleted:
 * the bundle, and its documents no other bundle uses (their encrypted chunks by cascade).
 * Bundles that never backed a number are the customer's working data and stay. For anonymised
 * accounts the end-users left without bundles go too, and the numbers' E.164 is masked.
 * A batch is a few bundles in one short transaction.
 */
@Injectable()
export class ComplianceRecordsRule implements RetentionRule {
  readonly name = 'compliance_records';

  constructor(
    private readonly sql: RetentionRepository,
    private readonly events: EventPublisher,
  ) {}

  async run(ctx: RuleContext): Promise<void> {
    for (const key of ['compliance_bundles', 'compliance_documents', 'compliance_end_users']) ctx.add(key, 0);
    const expired = await this.expiredBundles(ctx);
    const batch = Math.max(1, Math.min(ctx.batchSize, 100));
    for (let i = 0; i < expired.length; i += batch) {
      const candidates = expired.slice(i, i + batch);
      if (ctx.dryRun) await this.count(ctx, candidates, expired.slice(0, i + batch));
      else await this.sql.transaction(async (tx) => {
        // Lock the bundles (number assignment share-locks the bundle it uses), then judge them
        // again: a number assigned or released since the candidates were picked keeps its bundle.
        await tx.$queryRawUnsafe('SELECT id FROM bundles WHERE id = ANY($1) ORDER BY id FOR UPDATE', candidates);
        const ids = expiredOf(
          await tx.$queryRawUnsafe<Candidate[]>(`${BACKING_NUMBERS} WHERE n.bundle_id = ANY($1) ORDER BY n.bundle_id`, candidates),
          ctx,
        );
        if (ids.length === 0) return;
        const docs = await tx.$queryRawUnsafe<{ document_id: string }[]>(
          'SELECT DISTINCT document_id FROM bundle_documents WHERE bundle_id = ANY($1)',
          ids,
        );
        // A bundle being created from one of these documents holds it share-locked: wait for it.
        await tx.$queryRawUnsafe(
          'SELECT id FROM documents WHERE id = ANY($1) ORDER BY id FOR UPDATE',
          docs.map((d) => d.document_id),
        );
        await tx.$executeRawUnsafe(
          `UPDATE numbers n SET e164 = $2 FROM accounts a
            WHERE n.bundle_id = ANY($1) AND a.id = n.account_id AND a.status = 'anonymized'`,
          ids,
          CDR_NUMBER_MASK,
        );
        const anonymizedEndUsers = await tx.$queryRawUnsafe<{ id: string }[]>(
          `SELECT DISTINCT b.end_user_id AS id FROM bundles b JOIN accounts a ON a.id = b.account_id
            WHERE b.id = ANY($1) AND a.status = 'anonymized'`,
          ids,
        );
        ctx.add('compliance_bundles', await tx.$executeRawUnsafe('DELETE FROM bundles WHERE id = ANY($1)', ids));
        const deletedDocs = await tx.$queryRawUnsafe<{ id: string; account_id: string }[]>(
          `DELETE FROM documents d WHERE d.id = ANY($1)
            AND NOT EXISTS (SELECT 1 FROM bundle_documents bd WHERE bd.document_id = d.id) RETURNING d.id, d.account_id`,
          docs.map((d) => d.document_id),
        );
        ctx.add('compliance_documents', deletedDocs.length);
        // RetentionRepository.transaction hands out Prisma's transaction client behind the narrower Sql type.
        for (const d of deletedDocs) await this.events.publish(tx as EventTx, { type: 'document.deleted', accountId: d.account_id, resourceId: d.id, data: { document_id: d.id, deleted_at: ctx.now.toISOString() } });
        const endUsers = anonymizedEndUsers.map((e) => e.id);
        await tx.$executeRawUnsafe(
          `DELETE FROM documents d WHERE d.end_user_id = ANY($1)
            AND NOT EXISTS (SELECT 1 FROM bundle_documents bd WHERE bd.document_id = d.id)`,
          endUsers,
        );
        ctx.add(
          'compliance_end_users',
          await tx.$executeRawUnsafe(
            'DELETE FROM end_users e WHERE e.id = ANY($1) AND NOT EXISTS (SELECT 1 FROM bundles b WHERE b.end_user_id = e.id)',
            endUsers,
          ),
        );
      });
      if (!ctx.dryRun) await ctx.batchDone();
    }
    ctx.progress(this.name, `${expired.length} bundle(s) past their regulator window`);
  }

  /** Bundles with at least one number, none active, every window over; not under legal hold. */
  private async expiredBundles(ctx: RuleContext): Promise<string[]> {
    const rows = await this.sql.query<Candidate>(
      `${BACKING_NUMBERS}
        WHERE NOT EXISTS (SELECT 1 FROM numbers active WHERE active.bundle_id = n.bundle_id AND active.status = 'active')
          AND NOT (b.account_id = ANY($1))
        ORDER BY n.bundle_id`,
      [ctx.heldAccountIds()],
    );
    return expiredOf(rows, ctx);
  }

  /** The dry run: what the same batch would delete, given that the earlier batches' bundles would be gone. */
  private async count(ctx: RuleContext, ids: string[], goneSoFar: string[]): Promise<void> {
    ctx.add('compliance_bundles', ids.length);
    const [docs] = await this.sql.query<{ n: number }>(
      `SELECT count(DISTINCT bd.document_id)::int AS n FROM bundle_documents bd
        WHERE bd.bundle_id = ANY($1)
          AND NOT EXISTS (SELECT 1 FROM bundle_documents o WHERE o.document_id = bd.document_id AND NOT (o.bundle_id = ANY($2)))`,
      [ids, goneSoFar],
    );
    ctx.add('compliance_documents', docs.n);
    const [users] = await this.sql.query<{ n: number }>(
      `SELECT count(DISTINCT b.end_user_id)::int AS n FROM bundles b JOIN accounts a ON a.id = b.account_id
        WHERE b.id = ANY($1) AND a.status = 'anonymized'
          AND NOT EXISTS (SELECT 1 FROM bundles o WHERE o.end_user_id = b.end_user_id AND NOT (o.id = ANY($2)))`,
      [ids, goneSoFar],
    );
    ctx.add('compliance_end_users', users.n);
  }
}
