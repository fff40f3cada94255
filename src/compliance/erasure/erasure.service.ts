import { Injectable } from '@nestjs/common';
import { EventPublisher } from '../../events/events/event-publisher';
import { newId } from '../../platform/ids/ids';
import { ComplianceErrors } from '../compliance-errors';
import { complianceHoldUntil } from '../regulator-windows';
import { type AccountHolds, type BackingNumber, type ErasureScope, ErasureRepository, type ErasureTx } from './erasure.repository';

export interface ErasureHold {
  type: 'active_number' | 'regulator' | 'legal_hold';
  /** The number and bundle that hold the records; null for the account's legal hold. */
  number_id: string | null;
  bundle_id: string | null;
  /** End of the hold; null while the number is active (the window starts at release) or the legal hold stands. */
  until: string | null;
  reason: string;
}

export type ErasureOutcome =
  | { kind: 'erased' }
  | { kind: 'not_found' }
  | { kind: 'scheduled'; requestId: string; eraseAfter: Date | null; holds: ErasureHold[] };

export interface ErasurePreview {
  object: 'erasure_preview';
  dry_run: true;
  end_user_id: string;
  /** `erase` when it would go now (204); `schedule` when holds defer it (202). */
  outcome: 'erase' | 'schedule';
  would_remove: { end_user: string; bundles: string[]; documents: string[] };
  kept_documents: { id: string; reason: string; bundle_ids: string[] }[];
  erase_after: string | null;
  holds: ErasureHold[];
}

/**
 * Erasure of an end-user ("right to erasure"), limited by legal holds: while a bundle of theirs
 * backs an active number, or a released one inside its country's regulator window, the data
 * stays and the request is recorded for the retention job, which calls `eraseEndUser` again.
 */
@Injectable()
export class ErasureService {
  constructor(
    private readonly repository: ErasureRepository,
    private readonly events: EventPublisher,
  ) {}

  /** The DELETE endpoint: erase now, or record the request with its holds. */
  async request(accountId: string, endUserId: string, now = new Date()): Promise<ErasureOutcome> {
    return this.repository.transaction(async (tx) => {
      const outcome = await this.eraseEndUser(accountId, endUserId, tx, now);
      // Once per request (the retention job re-checks scheduled ones without a new event).
      if (outcome.kind === 'scheduled') await this.events.publish(tx, { type: 'end_user.erasure_scheduled', accountId, resourceId: endUserId, data: { end_user_id: endUserId, erase_after: outcome.eraseAfter?.toISOString() ?? null, holds: outcome.holds } });
      return outcome;
    });
  }

  /**
   * Erases the end-user in `tx` if nothing holds it, else records/refreshes the scheduled
   * request. Safe to call repeatedly (the retention job does, for each due request); run it in
   * the caller's transaction so the check and the delete see the same rows.
   */
  async eraseEndUser(accountId: string, endUserId: string, tx?: ErasureTx, now = new Date()): Promise<ErasureOutcome> {
    if (!tx) return this.repository.transaction((inner) => this.eraseEndUser(accountId, endUserId, inner, now));
    if (!(await this.repository.lockEndUser(tx, accountId, endUserId))) {
      // Already gone (a second run of the job, or a repeated DELETE): close any open request.
      await this.repository.markCompleted(tx, endUserId, now);
      return { kind: 'not_found' };
    }
    const holds = holdsOf(await this.repository.backingNumbers(tx, endUserId), now, await this.repository.accountHolds(tx, accountId));
    if (holds.length > 0) {
      const eraseAfter = eraseAfterOf(holds);
      const record = await this.repository.upsertScheduled(tx, newId('erasureRequest'), accountId, endUserId, eraseAfter, holds);
      return { kind: 'scheduled', requestId: record.id, eraseAfter, holds };
    }
    await this.repository.lockRecords(tx, accountId, endUserId);
    const scope = await this.repository.scope(tx, accountId, endUserId);
    await this.repository.erase(tx, accountId, endUserId, scope);
    await this.repository.recordCompleted(tx, newId('erasureRequest'), accountId, endUserId, now);
    await this.publishErased(tx, accountId, endUserId, scope, now);
    return { kind: 'erased' };
  }

  private async publishErased(tx: ErasureTx, accountId: string, endUserId: string, scope: ErasureScope, at: Date): Promise<void> {
    for (const documentId of scope.documentIds) {
      await this.events.publish(tx, { type: 'document.deleted', accountId, resourceId: documentId, data: { document_id: documentId, deleted_at: at.toISOString() } });
    }
    await this.events.publish(tx, {
      type: 'end_user.erased',
      accountId,
      resourceId: endUserId,
      data: { end_user_id: endUserId, erased_at: at.toISOString(), documents_deleted: scope.documentIds.length, bundles_deleted: scope.bundleIds.length },
    });
  }

  /** What DELETE would do, changing nothing. */
  async preview(accountId: string, endUserId: string, now = new Date()): Promise<ErasurePreview> {
    return this.repository.transaction(async (tx) => {
      if (!(await this.repository.lockEndUser(tx, accountId, endUserId))) throw ComplianceErrors.endUserNotFound();
      const holds = holdsOf(await this.repository.backingNumbers(tx, endUserId), now, await this.repository.accountHolds(tx, accountId));
      const scope: ErasureScope = await this.repository.scope(tx, accountId, endUserId);
      const eraseAfter = holds.length ? eraseAfterOf(holds) : null;
      return {
        object: 'erasure_preview',
        dry_run: true,
        end_user_id: endUserId,
        outcome: holds.length ? 'schedule' : 'erase',
        would_remove: { end_user: endUserId, bundles: scope.bundleIds, documents: scope.documentIds },
        kept_documents: scope.keptDocuments.map((d) => ({
          id: d.id,
          reason: 'Referenced by bundles of another end-user; it stays with them.',
          bundle_ids: d.bundleIds,
        })),
        erase_after: eraseAfter ? eraseAfter.toISOString() : null,
        holds,
      };
    });
  }

  /** Scheduled requests the retention job should run `eraseEndUser` for. */
  dueRequests(now = new Date(), limit = 100): Promise<{ accountId: string; endUserId: string }[]> {
    return this.repository.dueRequests(now, limit);
  }
}

/**
 * What keeps an end-user's records: the operator's legal hold on the account (until lifted),
 * each active number behind their bundles, and each released one inside its window (the
 * regulator's, or the account's `compliance_window_days`).
 */
export function holdsOf(numbers: BackingNumber[], now: Date, account: AccountHolds = {}): ErasureHold[] {
  const holds: ErasureHold[] = [];
  if (account.legalHold) {
    holds.push({
      type: 'legal_hold',
      number_id: null,
      bundle_id: null,
      until: null,
      reason: 'The account is under a legal hold; nothing of it is erased until the hold is lifted.',
    });
  }
  for (const n of numbers) {
    if (n.status === 'active') {
      holds.push({
        type: 'active_number',
        number_id: n.id,
        bundle_id: n.bundleId,
        until: null,
        reason: `Bundle ${n.bundleId} backs active number ${n.id}; the regulator's window starts when it is released.`,
      });
    } else if (n.releasedAt) {
      const until = complianceHoldUntil(n.country, n.releasedAt, account.complianceWindowDays);
      if (until > now) {
        holds.push({
          type: 'regulator',
          number_id: n.id,
          bundle_id: n.bundleId,
          until: until.toISOString(),
          reason:
            account.complianceWindowDays === undefined
              ? `The ${n.country} regulator requires the records behind number ${n.id} until ${until.toISOString().slice(0, 10)}.`
              : `The account's compliance window keeps the records behind number ${n.id} until ${until.toISOString().slice(0, 10)}.`,
        });
      }
    }
  }
  return holds;
}

/** Null while any hold has no end (an active number); else the latest end. */
function eraseAfterOf(holds: ErasureHold[]): Date | null {
  if (holds.some((h) => h.until === null)) return null;
  return new Date(Math.max(...holds.map((h) => Date.parse(h.until!))));
}
