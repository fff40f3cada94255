import { Injectable } from '@nestjs/common';
import type { Prisma } from '../../generated/prisma/client';
import { PrismaService } from '../../platform/database/prisma.service';

/** A database transaction; callers (the erasure endpoint, the retention job) pass it through opaquely. */
export type ErasureTx = Prisma.TransactionClient;

export interface BackingNumber {
  id: string;
  bundleId: string;
  status: string;
  country: string;
  releasedAt: Date | null;
}

/** The operator's retention overrides on the account that bear on erasure. */
export interface AccountHolds {
  legalHold?: boolean;
  complianceWindowDays?: number;
}

export interface ErasureScope {
  bundleIds: string[];
  /** Documents of the end-user that no other end-user's bundle references: they go. */
  documentIds: string[];
  /** Documents of theirs that another bundle still references: they stay, with the bundles that keep them. */
  keptDocuments: { id: string; bundleIds: string[] }[];
}

export interface ErasureRecord {
  id: string;
  accountId: string;
  endUserId: string;
  eraseAfter: Date | null;
  holds: unknown;
}

@Injectable()
export class ErasureRepository {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(fn: (tx: ErasureTx) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(fn);
  }

  /**
   * Locks the end-user row for the rest of the transaction, so no number can be assigned to
   * one of its bundles between the hold check and the delete (number assignment takes a share
   * lock on the same row). False when there is no such end-user in the account.
   */
  async lockEndUser(tx: ErasureTx, accountId: string, endUserId: string): Promise<boolean> {
    const rows = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM end_users WHERE id = ${endUserId} AND account_id = ${accountId} FOR UPDATE`;
    return rows.length === 1;
  }

  /**
   * Locks what the erasure is about to judge and remove: the end-user's bundles, then their
   * documents (the order document deletion, submit and review take them), so a bundle created
   * from one of these documents meanwhile is either committed and seen by `scope`, or waits
   * and then finds the document gone. Call after `lockEndUser`.
   */
  async lockRecords(tx: ErasureTx, accountId: string, endUserId: string): Promise<void> {
    await tx.$queryRaw`SELECT id FROM bundles WHERE end_user_id = ${endUserId} AND account_id = ${accountId} ORDER BY id FOR UPDATE`;
    await tx.$queryRaw`
      SELECT d.id FROM documents d
       WHERE d.account_id = ${accountId}
         AND (d.end_user_id = ${endUserId}
              OR (d.end_user_id IS NULL AND EXISTS (
                    SELECT 1 FROM bundle_documents bd JOIN bundles b ON b.id = bd.bundle_id
                     WHERE bd.document_id = d.id AND b.end_user_id = ${endUserId})))
       ORDER BY d.id FOR UPDATE`;
  }

  /** From the account's `retention_overrides` (validated when the operator set them). */
  async accountHolds(tx: ErasureTx, accountId: string): Promise<AccountHolds> {
    const account = await tx.account.findUnique({ where: { id: accountId }, select: { retentionOverrides: true } });
    const overrides = (account?.retentionOverrides ?? {}) as { legal_hold?: unknown; compliance_window_days?: unknown };
    return {
      legalHold: overrides.legal_hold === true,
      complianceWindowDays: typeof overrides.compliance_window_days === 'number' ? overrides.compliance_window_days : undefined,
    };
  }

  /** Numbers backed by any bundle of the end-user (active or released). */
  backingNumbers(tx: ErasureTx, endUserId: string): Promise<BackingNumber[]> {
    return tx.phoneNumber
      .findMany({
        where: { bundle: { endUserId } },
        select: { id: true, bundleId: true, status: true, country: true, releasedAt: true },
        orderBy: { id: 'asc' },
      })
      .then((rows) => rows.map((r) => ({ ...r, bundleId: r.bundleId! })));
  }

  async scope(tx: ErasureTx, accountId: string, endUserId: string): Promise<ErasureScope> {
    const bundles = await tx.bundle.findMany({ where: { accountId, endUserId }, select: { id: true }, orderBy: { id: 'asc' } });
    const bundleIds = bundles.map((b) => b.id);
    // Theirs: documents filed under the end-user, and unattributed documents used only in their bundles.
    const candidates = await tx.document.findMany({
      where: {
        accountId,
        OR: [{ endUserId }, { endUserId: null, bundleLinks: { some: { bundleId: { in: bundleIds } } } }],
      },
      select: { id: true, bundleLinks: { where: { bundleId: { notIn: bundleIds } }, select: { bundleId: true } } },
      orderBy: { id: 'asc' },
    });
    const documentIds: string[] = [];
    const keptDocuments: ErasureScope['keptDocuments'] = [];
    for (const doc of candidates) {
      if (doc.bundleLinks.length === 0) documentIds.push(doc.id);
      else keptDocuments.push({ id: doc.id, bundleIds: doc.bundleLinks.map((l) => l.bundleId).sort() });
    }
    return { bundleIds, documentIds, keptDocuments };
  }

  /** Deletes everything in `scope` and the end-user; chunks and bundle links go by cascade. */
  async erase(tx: ErasureTx, accountId: string, endUserId: string, scope: ErasureScope): Promise<void> {
    await tx.bundle.deleteMany({ where: { accountId, id: { in: scope.bundleIds } } });
    await tx.document.deleteMany({ where: { accountId, id: { in: scope.documentIds } } });
    // Shared documents stay with the bundles that use them, no longer filed under this person,
    // and marked: they prove nobody's identity any more, so no new bundle may use them.
    await tx.document.updateMany({ where: { accountId, endUserId }, data: { endUserId: null, subjectErasedAt: new Date() } });
    await tx.endUser.delete({ where: { id: endUserId } });
  }

  /** Records (or refreshes) the deferred request; one per end-user. */
  upsertScheduled(tx: ErasureTx, id: string, accountId: string, endUserId: string, eraseAfter: Date | null, holds: object[]): Promise<ErasureRecord> {
    return tx.erasureRequest.upsert({
      where: { endUserId },
      create: { id, accountId, endUserId, status: 'scheduled', eraseAfter, holds },
      update: { status: 'scheduled', eraseAfter, holds, completedAt: null },
      select: { id: true, accountId: true, endUserId: true, eraseAfter: true, holds: true },
    });
  }

  /** Records an erasure carried out at once (204): the row holds ids and times only, no personal data. */
  async recordCompleted(tx: ErasureTx, id: string, accountId: string, endUserId: string, at: Date): Promise<void> {
    await tx.erasureRequest.upsert({
      where: { endUserId },
      create: { id, accountId, endUserId, status: 'completed', completedAt: at },
      update: { status: 'completed', completedAt: at, holds: [], eraseAfter: null },
    });
  }

  /** Marks a scheduled request done (the row stays as the record that the erasure happened). */
  async markCompleted(tx: ErasureTx, endUserId: string, at: Date): Promise<void> {
    await tx.erasureRequest.updateMany({
      where: { endUserId, status: 'scheduled' },
      data: { status: 'completed', completedAt: at, holds: [], eraseAfter: null },
    });
  }

  /** Scheduled requests due for another look: the hold lapsed, or a number was active when last checked. */
  dueRequests(now: Date, limit: number): Promise<{ accountId: string; endUserId: string }[]> {
    return this.prisma.erasureRequest.findMany({
      where: { status: 'scheduled', OR: [{ eraseAfter: { lte: now } }, { eraseAfter: null }] },
      select: { accountId: true, endUserId: true },
      orderBy: [{ eraseAfter: 'asc' }, { id: 'asc' }],
      take: limit,
    });
  }
}
