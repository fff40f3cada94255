import { Injectable } from '@nestjs/common';
import type { Prisma } from '../../generated/prisma/client';
import { PrismaService } from '../../platform/database/prisma.service';
import { LOCKED_BUNDLE_STATUSES, NEWEST_FIRST, newestFirstAfter } from '../keyset';

export const END_USER_SELECT = {
  id: true,
  type: true,
  firstName: true,
  lastName: true,
  dateOfBirthEnc: true,
  documentType: true,
  documentNumberEnc: true,
  documentNumberLast4: true,
  businessName: true,
  registrationNumberEnc: true,
  addressStreet: true,
  addressCity: true,
  addressRegion: true,
  addressPostalCode: true,
  addressCountry: true,
  createdAt: true,
  updatedAt: true,
} as const;

export type EndUserRow = Prisma.EndUserGetPayload<{ select: typeof END_USER_SELECT }>;

/** Stored columns of an end-user; encrypted ones already hold ciphertext. */
export type EndUserColumns = Omit<EndUserRow, 'id' | 'createdAt' | 'updatedAt'>;

@Injectable()
export class EndUsersRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(accountId: string, id: string, columns: EndUserColumns): Promise<EndUserRow> {
    return this.prisma.endUser.create({ data: { id, accountId, ...columns }, select: END_USER_SELECT });
  }

  find(accountId: string, id: string): Promise<EndUserRow | null> {
    return this.prisma.endUser.findFirst({ where: { id, accountId }, select: END_USER_SELECT });
  }

  list(accountId: string, after: { at: Date; id: string } | null, limit: number): Promise<EndUserRow[]> {
    return this.prisma.endUser.findMany({
      where: { accountId, ...newestFirstAfter(after) },
      orderBy: NEWEST_FIRST,
      take: limit + 1,
      select: END_USER_SELECT,
    });
  }

  /**
   * Writes only while no bundle of the end-user is under review or approved. The end-user row is
   * locked for update first — submit and review share-lock it before they touch the bundle — so
   * the check below sees a submit that finished, and a submit that comes later sees this write.
   */
  async updateUnlocked(
    accountId: string,
    id: string,
    columns: Partial<EndUserColumns>,
  ): Promise<{ row: EndUserRow } | { lockedBy: string } | { missing: true }> {
    return this.prisma.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM end_users WHERE id = ${id} AND account_id = ${accountId} FOR UPDATE`;
      if (rows.length === 0) return { missing: true as const };
      const locking = await tx.bundle.findFirst({
        where: { endUserId: id, status: { in: LOCKED_BUNDLE_STATUSES } },
        orderBy: { createdAt: 'asc' },
        select: { id: true },
      });
      if (locking) return { lockedBy: locking.id };
      return { row: await tx.endUser.update({ where: { id }, data: columns, select: END_USER_SELECT }) };
    });
  }
}
