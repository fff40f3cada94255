import type { RuleContext } from './retention-context';
import type { RetentionRepository } from './retention.repository';

/**
 * Deletes rows matching `where` in batches (or, in a dry run, counts them) into `counter`.
 * Each batch is one statement: its own short transaction.
 */
export async function purge(
  ctx: RuleContext,
  sql: RetentionRepository,
  counter: string,
  table: string,
  where: string,
  params: unknown[],
): Promise<void> {
  if (ctx.dryRun) {
    ctx.add(counter, await sql.count(table, where, params));
    return;
  }
  for (;;) {
    const deleted = await sql.deleteBatch(table, where, params, ctx.batchSize);
    ctx.add(counter, deleted);
    if (deleted === 0) return;
    await ctx.batchDone();
    if (deleted < ctx.batchSize) return;
  }
}

/**
 * Deletes rows matching `where` walking the primary key in batches of `batchSize` rows looked
 * at (for conditions no index serves: each batch starts where the last stopped instead of
 * rescanning), or counts them in a dry run.
 */
export async function purgeById(
  ctx: RuleContext,
  sql: RetentionRepository,
  counter: string,
  table: string,
  where: string,
  params: unknown[],
): Promise<void> {
  if (ctx.dryRun) {
    ctx.add(counter, await sql.count(table, where, params));
    return;
  }
  ctx.add(counter, 0);
  let afterId = '';
  for (;;) {
    const { deleted, lastId } = await sql.deleteBatchById(table, where, params, afterId, ctx.batchSize);
    ctx.add(counter, deleted);
    if (lastId === null) return;
    if (deleted > 0) await ctx.batchDone();
    afterId = lastId;
  }
}
