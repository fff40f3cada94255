import { Injectable } from '@nestjs/common';
import type { Prisma } from '../../generated/prisma/client';
import { PrismaService } from '../../prisma/prisma.service';
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
   * Writes only while no bundle of the end-user is under review or approved: one conditional
   * statement, so an approval cannot slip in between a check and the write.
   */
  async updateUnlocked(accountId: string, id: string, columns: Partial<EndUserColumns>): Promise<EndUserRow | null> {
    const { count } = await this.prisma.endUser.updateMany({
      where: { id, accountId, bundles: { none: { status: { in: LOCKED_BUNDLE_STATUSES } } } },
      data: columns,
    });
    return count === 1 ? this.find(accountId, id) : null;
  }

  /** A bundle that freezes this end-user, if any. */
  async lockingBundle(accountId: string, endUserId: string): Promise<string | null> {
    const bundle = await this.prisma.bundle.findFirst({
      where: { accountId, endUserId, status: { in: LOCKED_BUNDLE_STATUSES } },
      orderBy: { createdAt: 'asc' },
      select: { id: true },
    });
    return bundle?.id ?? null;
  }
}
