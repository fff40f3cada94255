import { Injectable } from '@nestjs/common';
import type { Prisma } from '../../generated/prisma/client';
import { PrismaService } from '../../platform/database/prisma.service';
import { LOCKED_BUNDLE_STATUSES, NEWEST_FIRST, newestFirstAfter } from '../keyset';

export const DOCUMENT_SELECT = {
  id: true,
  endUserId: true,
  type: true,
  status: true,
  contentType: true,
  sizeBytes: true,
  sha256: true,
  createdAt: true,
} as const;

export type DocumentRow = Prisma.DocumentGetPayload<{ select: typeof DOCUMENT_SELECT }>;

export interface FinishedUpload {
  type: string;
  endUserId: string | null;
  contentType: string;
  sizeBytes: number;
  sha256: string;
}

@Injectable()
export class DocumentsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** A document row in `uploading` state: invisible to every read until `finishUpload`. */
  async startUpload(accountId: string, id: string): Promise<void> {
    await this.prisma.document.create({ data: { id, accountId, status: 'uploading' } });
  }

  async appendChunk(documentId: string, seq: number, data: Buffer): Promise<void> {
    await this.prisma.documentChunk.create({ data: { id: chunkId(documentId, seq), documentId, seq, data: new Uint8Array(data) } });
  }

  /**
   * Marks the upload ready. When it is filed under an end-user, that row is share-locked first,
   * so an erasure of the end-user either finished before (null: no such end-user) or waits and
   * then erases this document with the rest.
   */
  async finishUpload(accountId: string, id: string, upload: FinishedUpload): Promise<DocumentRow | null> {
    return this.prisma.$transaction(async (tx) => {
      if (upload.endUserId !== null) {
        const owner = await tx.$queryRaw<{ id: string }[]>`
          SELECT id FROM end_users WHERE id = ${upload.endUserId} AND account_id = ${accountId} FOR SHARE`;
        if (owner.length === 0) return null;
      }
      return tx.document.update({
        where: { id, accountId, status: 'uploading' },
        data: { status: 'ready', ...upload },
        select: DOCUMENT_SELECT,
      });
    });
  }

  /** Removes a failed or abandoned upload and its chunks. */
  async discardUpload(id: string): Promise<void> {
    await this.prisma.document.deleteMany({ where: { id, status: 'uploading' } });
  }

  /** Uploads left `uploading` by a crashed instance; the retention job deletes them. */
  async deleteStaleUploads(before: Date, limit: number): Promise<number> {
    const stale = await this.prisma.document.findMany({
      where: { status: 'uploading', createdAt: { lt: before } },
      select: { id: true },
      take: limit,
    });
    if (stale.length === 0) return 0;
    const { count } = await this.prisma.document.deleteMany({ where: { id: { in: stale.map((d) => d.id) }, status: 'uploading' } });
    return count;
  }

  find(accountId: string, id: string): Promise<DocumentRow | null> {
    return this.prisma.document.findFirst({ where: { id, accountId, status: 'ready' }, select: DOCUMENT_SELECT });
  }

  list(accountId: string, filter: { endUserId?: string }, after: { at: Date; id: string } | null, limit: number): Promise<DocumentRow[]> {
    return this.prisma.document.findMany({
      where: { accountId, status: 'ready', ...(filter.endUserId ? { endUserId: filter.endUserId } : {}), ...newestFirstAfter(after) },
      orderBy: NEWEST_FIRST,
      take: limit + 1,
      select: DOCUMENT_SELECT,
    });
  }

  /** Up to `limit` chunks from `fromSeq` on, in order (a bounded amount of ciphertext in memory). */
  chunks(documentId: string, fromSeq: number, limit: number): Promise<{ id: string; seq: number; data: Uint8Array }[]> {
    return this.prisma.documentChunk.findMany({
      where: { documentId, seq: { gte: fromSeq } },
      orderBy: { seq: 'asc' },
      take: limit,
      select: { id: true, seq: true, data: true },
    });
  }

  /**
   * Deletes the document unless a bundle under review or approved uses it; links to draft and
   * rejected bundles go with it. Nothing goes while the operator holds the account (legal hold).
   * The linked bundles are locked before the document — the order submit and review take them
   * (bundle, then its documents) — so neither can change a bundle's state between the check and
   * the delete, and they wait rather than deadlock. A bundle linked while the locks were being
   * taken restarts the transaction, so every linked bundle is locked when the check runs.
   */
  async deleteUnlessLocked(
    accountId: string,
    id: string,
    also?: (tx: Prisma.TransactionClient) => Promise<void>,
  ): Promise<{ deleted: true } | { deleted: false; lockedBy: string | null; legalHold?: true }> {
    for (;;) {
      const result = await this.prisma.$transaction(async (tx) => {
        const bundles = await tx.$queryRaw<{ id: string; status: string; created_at: Date }[]>`
          SELECT b.id, b.status, b.created_at FROM bundles b JOIN bundle_documents bd ON bd.bundle_id = b.id
           WHERE bd.document_id = ${id} AND b.account_id = ${accountId} ORDER BY b.id FOR UPDATE OF b`;
        const doc = await tx.$queryRaw<{ id: string; legal_hold: boolean }[]>`
          SELECT d.id, COALESCE((a.retention_overrides->>'legal_hold')::boolean, false) AS legal_hold
            FROM documents d JOIN accounts a ON a.id = d.account_id
           WHERE d.id = ${id} AND d.account_id = ${accountId} AND d.status = 'ready' FOR UPDATE OF d`;
        if (doc.length === 0) return { deleted: false as const, lockedBy: null };
        if (doc[0].legal_hold) return { deleted: false as const, lockedBy: null, legalHold: true as const };
        const links = await tx.bundleDocument.findMany({ where: { documentId: id }, select: { bundleId: true } });
        const locked = new Set(bundles.map((b) => b.id));
        if (links.some((l) => !locked.has(l.bundleId))) return 'relock' as const;
        const locking = bundles
          .filter((b) => LOCKED_BUNDLE_STATUSES.includes(b.status))
          .sort((x, y) => x.created_at.getTime() - y.created_at.getTime())[0];
        if (locking) return { deleted: false as const, lockedBy: locking.id };
        await tx.bundleDocument.deleteMany({ where: { documentId: id } });
        await tx.document.delete({ where: { id } });
        await also?.(tx);
        return { deleted: true as const };
      });
      if (result !== 'relock') return result;
    }
  }
}

export function chunkId(documentId: string, seq: number): string {
  return `${documentId}.${seq}`;
}
