import { Injectable } from '@nestjs/common';
import type { Prisma } from '../../generated/prisma/client';
import { PrismaService } from '../../platform/database/prisma.service';

const MEMBER_SELECT = {
  id: true,
  accountId: true,
  userId: true,
  role: true,
  permissions: true,
  createdAt: true,
  user: { select: { email: true, name: true, mfaEnabled: true } },
} as const;

export interface MemberRow {
  id: string;
  accountId: string;
  userId: string;
  role: string;
  permissions: string[];
  createdAt: Date;
  user: { email: string; name: string; mfaEnabled: boolean };
}

export interface MemberListCursor {
  createdAt: Date;
  id: string;
}

export interface MembershipChange {
  role?: string;
  permissions?: string[];
}

/**
 * Member operations on one account while its row is locked (`SELECT … FOR UPDATE`): every
 * change that could leave the account without an owner runs here, so two concurrent
 * demotions or removals are serialised and the owner count they check cannot go stale.
 */
export class LockedAccountMembers {
  constructor(
    private readonly tx: Prisma.TransactionClient,
    readonly accountId: string,
  ) {}

  find(membershipId: string): Promise<MemberRow | null> {
    return this.tx.membership.findFirst({ where: { id: membershipId, accountId: this.accountId }, select: MEMBER_SELECT });
  }

  countOwners(): Promise<number> {
    return this.tx.membership.count({ where: { accountId: this.accountId, role: 'owner' } });
  }

  update(membershipId: string, change: MembershipChange): Promise<MemberRow> {
    return this.tx.membership.update({ where: { id: membershipId }, data: change, select: MEMBER_SELECT });
  }

  /** Removes the membership, ends the user's sessions acting for this account, and moves their default account. */
  async remove(member: MemberRow, now: Date): Promise<void> {
    await this.tx.membership.delete({ where: { id: member.id } });
    await this.tx.session.updateMany({
      where: { userId: member.userId, accountId: this.accountId, revokedAt: null },
      data: { revokedAt: now },
    });
    const next = await this.tx.membership.findFirst({
      where: { userId: member.userId },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      select: { accountId: true },
    });
    await this.tx.user.updateMany({
      where: { id: member.userId, defaultAccountId: this.accountId },
      data: { defaultAccountId: next?.accountId ?? null },
    });
  }
}

@Injectable()
export class MembersRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Oldest first, keyset on (created_at, id) — served by the memberships (account_id, created_at, id) index. */
  list(accountId: string, take: number, after: MemberListCursor | null): Promise<MemberRow[]> {
    return this.prisma.membership.findMany({
      where: {
        accountId,
        ...(after
          ? {
              OR: [
                { createdAt: { gt: after.createdAt } },
                { createdAt: after.createdAt, id: { gt: after.id } },
              ],
            }
          : {}),
      },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take,
      select: MEMBER_SELECT,
    });
  }

  findInAccount(accountId: string, membershipId: string): Promise<MemberRow | null> {
    return this.prisma.membership.findFirst({ where: { id: membershipId, accountId }, select: MEMBER_SELECT });
  }

  /** The owners' addresses, for notices about the account (read when sent, never stored elsewhere). */
  async ownerEmails(accountId: string): Promise<string[]> {
    const owners = await this.prisma.membership.findMany({ where: { accountId, role: 'owner' }, select: { user: { select: { email: true } } } });
    return owners.map((o) => o.user.email);
  }

  withAccountLock<T>(accountId: string, work: (members: LockedAccountMembers) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT id FROM accounts WHERE id = ${accountId} FOR UPDATE`;
      return work(new LockedAccountMembers(tx, accountId));
    });
  }
}
