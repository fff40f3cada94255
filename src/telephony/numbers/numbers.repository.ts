import { Injectable } from '@nestjs/common';
import type { Prisma } from '../../generated/prisma/client';
import { isUniqueViolation } from '../../platform/errors/prisma-errors';
import { PrismaService } from '../../platform/database/prisma.service';

/** Work the caller adds to the change's transaction (the event it publishes). */
export type InTransaction<T = void> = (tx: Prisma.TransactionClient, row: T) => Promise<void>;

export const NUMBER_SELECT = {
  id: true,
  e164: true,
  country: true,
  numberType: true,
  bundleId: true,
  status: true,
  releasedAt: true,
  createdAt: true,
  updatedAt: true,
} as const;

export type NumberRow = Prisma.PhoneNumberGetPayload<{ select: typeof NUMBER_SELECT }>;

export interface NewNumber {
  id: string;
  accountId: string;
  e164: string;
  country: string;
  numberType: string;
  bundleId: string | null;
}

export interface LockedBundle {
  id: string;
  status: string;
  country: string;
  numberType: string;
  endUserType: string;
}

@Injectable()
export class NumbersRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Assigns in one transaction. With a bundle, its end-user row is share-locked first, so an
   * erasure (which locks it for update) either sees this number as a hold or has already removed
   * the bundle — `check` then refuses. `check` returns an error to throw, or null to insert.
   */
  async assign(n: NewNumber, check: (bundle: LockedBundle | null) => Error | null, also?: InTransaction<NumberRow>): Promise<NumberRow | 'taken'> {
    try {
      return await this.prisma.$transaction(async (tx) => {
        let bundle: LockedBundle | null = null;
        if (n.bundleId) {
          const rows = await tx.$queryRaw<{ id: string; status: string; country: string; number_type: string; type: string }[]>`
            SELECT b.id, b.status, b.country, b.number_type, e.type FROM bundles b JOIN end_users e ON e.id = b.end_user_id
             WHERE b.id = ${n.bundleId} AND b.account_id = ${n.accountId} FOR SHARE OF e`;
          // The bundle itself, share-locked in a statement of its own (a fresh snapshot after any
          // wait above): retention locks it for update before deleting, so either it is gone here
          // or retention waits for this number and then sees it active.
          const live = rows[0] ? await tx.$queryRaw<{ status: string }[]>`SELECT status FROM bundles WHERE id = ${n.bundleId} FOR SHARE` : [];
          bundle = live[0] ? { id: rows[0].id, status: live[0].status, country: rows[0].country, numberType: rows[0].number_type, endUserType: rows[0].type } : null;
        }
        const error = check(bundle);
        if (error) throw error;
        const row = await tx.phoneNumber.create({
          data: { ...n, activeE164: n.e164, status: 'active' },
          select: NUMBER_SELECT,
        });
        await also?.(tx, row);
        return row;
      });
    } catch (error) {
      if (isUniqueViolation(error)) return 'taken';
      throw error;
    }
  }

  find(accountId: string, id: string): Promise<NumberRow | null> {
    return this.prisma.phoneNumber.findFirst({ where: { id, accountId }, select: NUMBER_SELECT });
  }

  list(accountId: string, filter: { status?: string }, after: { at: Date; id: string } | null, limit: number): Promise<NumberRow[]> {
    return this.prisma.phoneNumber.findMany({
      where: {
        accountId,
        ...(filter.status ? { status: filter.status } : {}),
        ...(after ? { OR: [{ createdAt: { lt: after.at } }, { createdAt: after.at, id: { lt: after.id } }] } : {}),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit + 1,
      select: NUMBER_SELECT,
    });
  }

  /** active → released (conditional): starts the regulator's window. */
  async release(accountId: string, id: string, at: Date, also?: InTransaction): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.phoneNumber.updateMany({
        where: { id, accountId, status: 'active' },
        data: { status: 'released', releasedAt: at, activeE164: null },
      });
      if (count === 1) await also?.(tx);
      return count === 1;
    });
  }
}
