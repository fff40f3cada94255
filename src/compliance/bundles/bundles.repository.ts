import { Injectable } from '@nestjs/common';
import type { Prisma } from '../../generated/prisma/client';
import { PrismaService } from '../../prisma/prisma.service';
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
   * Creates the bundle and its links in one transaction, holding share locks on the end-user and
   * documents so neither can be erased or deleted between the check and the insert. Returns
   * the ids that were not found (nothing written then).
   */
  async create(b: NewBundle): Promise<{ row: BundleRow } | { missingEndUser: true } | { missingDocument: string }> {
    return this.prisma.$transaction(async (tx) => {
      const eu = await tx.$queryRaw<{ id: string }[]>`
        SELECT id FROM end_users WHERE id = ${b.endUserId} AND account_id = ${b.accountId} FOR SHARE`;
      if (eu.length === 0) return { missingEndUser: true as const };
      const docs = b.documentIds.length
        ? await tx.$queryRaw<{ id: string }[]>`
            SELECT id FROM documents WHERE id = ANY(${b.documentIds}::text[]) AND account_id = ${b.accountId}
               AND status = 'ready' FOR SHARE`
        : [];
      const found = new Set(docs.map((d) => d.id));
      const missing = b.documentIds.find((id) => !found.has(id));
      if (missing) return { missingDocument: missing };
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
        select: { id: true, type: true, endUserId: true, contentType: true, sizeBytes: true, sha256: true },
        orderBy: { id: 'asc' },
      })
      .then((rows) => rows.map((r) => ({ ...r, type: r.type ?? 'other' })));
  }

  /**
   * Runs `fn` with the bundle row locked (FOR UPDATE) and its end-user share-locked, so a
   * submit's evaluation and state change see the data they judged; null when not found.
   */
  withLockedBundle<T>(accountId: string | null, id: string, fn: (tx: Tx, status: string) => Promise<T>): Promise<T | null> {
    return this.prisma.$transaction(async (tx) => {
      const rows = accountId
        ? await tx.$queryRaw<{ status: string; end_user_id: string }[]>`
            SELECT status, end_user_id FROM bundles WHERE id = ${id} AND account_id = ${accountId} FOR UPDATE`
        : await tx.$queryRaw<{ status: string; end_user_id: string }[]>`
            SELECT status, end_user_id FROM bundles WHERE id = ${id} FOR UPDATE`;
      if (rows.length === 0) return null;
      await tx.$queryRaw`SELECT id FROM end_users WHERE id = ${rows[0].end_user_id} FOR SHARE`;
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
  async review(id: string, input: ReviewInput): Promise<boolean> {
    const { count } = await this.prisma.bundle.updateMany({
      where: { id, status: 'pending_review' },
      data: { status: input.status, reviewedAt: input.at, reviewReason: input.reason, reviewItems: input.items },
    });
    return count === 1;
  }

  endUserRow(db: Tx, endUserId: string): Promise<EndUserRow | null> {
    return db.endUser.findUnique({ where: { id: endUserId }, select: END_USER_SELECT });
  }

  endUserType(endUserId: string): Promise<string | null> {
    return this.prisma.endUser.findUnique({ where: { id: endUserId }, select: { type: true } }).then((r) => r?.type ?? null);
  }
}
