import { Injectable } from '@nestjs/common';
import type { Prisma } from '../../generated/prisma/client';
import { PrismaService } from '../../platform/database/prisma.service';
import { END_USER_SELECT, type EndUserRow } from '../end-users/end-users.repository';
import { NEWEST_FIRST, newestFirstAfter } from '../keyset';
import type { Evaluation } from '../requirements/requirements';

export const BUNDLE_SELECT = {
  id: true,
  accountId: true,
  endUserId: true,
  country: true,
  numberType: true,
  status: true,
  requirementsVersion: true,
  evaluation: true,
  submittedAt: true,
  reviewedAt: true,
  reviewReason: true,
  reviewItems: true,
  createdAt: true,
  updatedAt: true,
  documents: { select: { documentId: true }, orderBy: { documentId: 'asc' } },
} as const satisfies Prisma.BundleSelect;

export type BundleRow = Prisma.BundleGetPayload<{ select: typeof BUNDLE_SELECT }>;

export interface NewBundle {
  id: string;
  accountId: string;
  endUserId: string;
  country: string;
  numberType: string;
  requirementsVersion: string;
  documentIds: string[];
}

export interface BundleDocumentFacts {
  id: string;
  type: string;
  endUserId: string | null;
  subjectErasedAt: Date | null;
  contentType: string | null;
  sizeBytes: number;
  sha256: string | null;
}

export interface ReviewInput {
  status: 'approved' | 'rejected';
  reason: string | null;
  items: { item: string; reason: string }[];
  at: Date;
}

export type Tx = Prisma.TransactionClient;

@Injectable()
export class BundlesRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Creates the bundle and its links in one transaction. It share-locks the end-user and the
   * end-users the documents are filed under (in id order, the order erasure's lock joins), then
   * the documents: an erasure of any of them either finishes first (the look-up below no longer
   * finds what it removed) or waits for this insert and sees the new bundle. Returns what was not
   * found or may not be used (nothing written then).
   */
  async create(
    b: NewBundle,
  ): Promise<{ row: BundleRow } | { missingEndUser: true } | { missingDocument: string } | { erasedDocument: string }> {
    return this.prisma.$transaction(async (tx) => {
      const owners = b.documentIds.length
        ? await tx.$queryRaw<{ end_user_id: string }[]>`
            SELECT DISTINCT end_user_id FROM documents
             WHERE id = ANY(${b.documentIds}::text[]) AND account_id = ${b.accountId} AND end_user_id IS NOT NULL`
        : [];
      const endUserIds = [...new Set([b.endUserId, ...owners.map((o) => o.end_user_id)])];
      const locked = await tx.$queryRaw<{ id: string }[]>`
        SELECT id FROM end_users WHERE id = ANY(${endUserIds}::text[]) AND account_id = ${b.accountId} ORDER BY id FOR SHARE`;
      if (!locked.some((e) => e.id === b.endUserId)) return { missingEndUser: true as const };
      const docs = b.documentIds.length
        ? await tx.$queryRaw<{ id: string; subject_erased_at: Date | null }[]>`
            SELECT id, subject_erased_at FROM documents WHERE id = ANY(${b.documentIds}::text[]) AND account_id = ${b.accountId}
               AND status = 'ready' ORDER BY id FOR SHARE`
        : [];
      const found = new Map(docs.map((d) => [d.id, d]));
      const missing = b.documentIds.find((id) => !found.has(id));
      if (missing) return { missingDocument: missing };
      const erased = b.documentIds.find((id) => found.get(id)!.subject_erased_at !== null);
      if (erased) return { erasedDocument: erased };
      const row = await tx.bundle.create({
        data: {
          id: b.id,
          accountId: b.accountId,
          endUserId: b.endUserId,
          country: b.country,
          numberType: b.numberType,
          requirementsVersion: b.requirementsVersion,
          documents: { create: b.documentIds.map((documentId) => ({ documentId })) },
        },
        select: BUNDLE_SELECT,
      });
      return { row };
    });
  }

  /** The plain client, for reads outside a transaction (the same methods take a transaction). */
  reader(): Tx {
    return this.prisma;
  }

  findIn(tx: Tx, id: string): Promise<BundleRow | null> {
    return tx.bundle.findUnique({ where: { id }, select: BUNDLE_SELECT });
  }

  find(accountId: string, id: string): Promise<BundleRow | null> {
    return this.prisma.bundle.findFirst({ where: { id, accountId }, select: BUNDLE_SELECT });
  }

  /** The operator look-up: any account. */
  findAnyAccount(id: string): Promise<BundleRow | null> {
    return this.prisma.bundle.findUnique({ where: { id }, select: BUNDLE_SELECT });
  }

  list(accountId: string, after: { at: Date; id: string } | null, limit: number): Promise<BundleRow[]> {
    return this.prisma.bundle.findMany({
      where: { accountId, ...newestFirstAfter(after) },
      orderBy: NEWEST_FIRST,
      take: limit + 1,
      select: BUNDLE_SELECT,
    });
  }

  documentFacts(db: Tx, bundleId: string): Promise<BundleDocumentFacts[]> {
    return db.document
      .findMany({
        where: { bundleLinks: { some: { bundleId } } },
        select: { id: true, type: true, endUserId: true, subjectErasedAt: true, contentType: true, sizeBytes: true, sha256: true },
        orderBy: { id: 'asc' },
      })
      .then((rows) => rows.map((r) => ({ ...r, type: r.type ?? 'other' })));
  }

  /**
   * Runs `fn` with the bundle's end-user share-locked, then the bundle locked for update, then
   * its documents share-locked — the order every writer of these rows follows (end-user, bundle,
   * document), so a submit or a review and an end-user PATCH, a document deletion or an erasure
   * serialise instead of deadlocking, and `fn` judges the data its write is based on. Null when
   * not found.
   */
  withLockedBundle<T>(accountId: string | null, id: string, fn: (tx: Tx, status: string) => Promise<T>): Promise<T | null> {
    return this.prisma.$transaction(async (tx): Promise<T | null> => {
      const head = accountId
        ? await tx.$queryRaw<{ end_user_id: string }[]>`SELECT end_user_id FROM bundles WHERE id = ${id} AND account_id = ${accountId}`
        : await tx.$queryRaw<{ end_user_id: string }[]>`SELECT end_user_id FROM bundles WHERE id = ${id}`;
      if (head.length === 0) return null;
      await tx.$queryRaw`SELECT id FROM end_users WHERE id = ${head[0].end_user_id} FOR SHARE`;
      const rows = await tx.$queryRaw<{ status: string }[]>`SELECT status FROM bundles WHERE id = ${id} FOR UPDATE`;
      if (rows.length === 0) return null;
      await tx.$queryRaw`
        SELECT d.id FROM documents d JOIN bundle_documents bd ON bd.document_id = d.id
         WHERE bd.bundle_id = ${id} ORDER BY d.id FOR SHARE OF d`;
      return fn(tx, rows[0].status);
    });
  }

  async saveEvaluation(db: Tx, id: string, evaluation: Evaluation): Promise<void> {
    await db.bundle.update({
      where: { id },
      data: { evaluation: evaluation as unknown as Prisma.InputJsonValue, requirementsVersion: evaluation.requirements_version },
    });
  }

  /** draft → pending_review, only from draft (conditional update). */
  async markSubmitted(tx: Tx, id: string, evaluation: Evaluation, at: Date): Promise<boolean> {
    const { count } = await tx.bundle.updateMany({
      where: { id, status: 'draft' },
      data: {
        status: 'pending_review',
        submittedAt: at,
        evaluation: evaluation as unknown as Prisma.InputJsonValue,
        requirementsVersion: evaluation.requirements_version,
      },
    });
    return count === 1;
  }

  /** pending_review → approved | rejected, only from pending_review (conditional update). */
  async review(tx: Tx, id: string, input: ReviewInput): Promise<boolean> {
    const { count } = await tx.bundle.updateMany({
      where: { id, status: 'pending_review' },
      data: { status: input.status, reviewedAt: input.at, reviewReason: input.reason, reviewItems: input.items },
    });
    return count === 1;
  }

  endUserRow(db: Tx, endUserId: string): Promise<EndUserRow | null> {
    return db.endUser.findUnique({ where: { id: endUserId }, select: END_USER_SELECT });
  }
}
