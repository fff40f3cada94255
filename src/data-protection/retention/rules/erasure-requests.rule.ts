import { Injectable } from '@nestjs/common';
import { ErasureService } from '../../../compliance/erasure/erasure.service';
import type { RetentionRule, RuleContext } from '../retention-context';

/** Requests looked at per run; the rest wait for the next day (each is its own transaction). */
const MAX_PER_RUN = 10_000;

/**
 * Deferred erasure requests (`DELETE /v1/compliance/end-users/{id}` answered 202 with
 * `erase_after`): once the hold lapsed — the number released and its regulator's window over —
 * the end-user, its bundles and its documents no other bundle uses are erased through the
 * compliance module's own `eraseEndUser` (one transaction each). A request still held is
 * refreshed with its new `erase_after`. Not while the account is under legal hold.
 */
@Injectable()
export class ErasureRequestsRule implements RetentionRule {
  readonly name = 'erasure_requests';

  constructor(private readonly erasure: ErasureService) {}

  async run(ctx: RuleContext): Promise<void> {
    ctx.add(this.name, 0);
    const held = new Set(ctx.heldAccountIds());
    const due = (await this.erasure.dueRequests(ctx.now, MAX_PER_RUN)).filter((r) => !held.has(r.accountId));
    for (const request of due) {
      if (ctx.dryRun) {
        const preview = await this.erasure.preview(request.accountId, request.endUserId, ctx.now).catch(() => null);
        if (preview?.outcome === 'erase') ctx.add(this.name, 1);
        continue;
      }
      const outcome = await this.erasure.eraseEndUser(request.accountId, request.endUserId, undefined, ctx.now);
      if (outcome.kind === 'erased') {
        ctx.add(this.name, 1);
        await ctx.batchDone();
      }
    }
    ctx.progress(this.name, `${due.length} deferred request(s) looked at`);
  }
}
