import { Injectable } from '@nestjs/common';
import type { Prisma } from '../../generated/prisma/client';
import { PrismaService } from '../../platform/database/prisma.service';

export interface ClosedAccountRow {
  id: string;
  name: string;
  status: string;
  closedAt: Date | null;
  retentionOverrides: unknown;
}

export interface ClosureResult {
  /** False when the account was already closed (closing is idempotent): nothing was changed. */
  changed: boolean;
  account: ClosedAccountRow;
  /** Where the closure notice goes; read inside the transaction, never stored. */
  ownerEmails: string[];
}

const CLOSED_ACCOUNT_SELECT = { id: true, name: true, status: true, closedAt: true, retentionOverrides: true } as const;

@Injectable()
export class AccountClosureRepository {
  constructor(private readonly prisma: PrismaService) {}

  closer(userId: string): Promise<{ passwordHash: string | null } | null> {
    return this.prisma.user.findUnique({ where: { id: userId }, select: { passwordHash: true } });
  }

  /**
   * active → closed, and every session and API key of the account revoked, in one transaction:
   * nothing can act for the account after this commits. A second call changes nothing.
   */
  close(accountId: string, now: Date, also?: (tx: Prisma.TransactionClient, revokedKeyIds: string[]) => Promise<void>): Promise<ClosureResult | null> {
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.account.updateMany({
        where: { id: accountId, status: 'active' },
        data: { status: 'closed', closedAt: now },
      });
      if (count > 0) {
        await tx.session.updateMany({ where: { accountId, revokedAt: null }, data: { revokedAt: now } });
        const keys = await tx.apiKey.findMany({ where: { accountId, revokedAt: null }, select: { id: true } });
        await tx.apiKey.updateMany({ where: { accountId, revokedAt: null }, data: { revokedAt: now } });
        await also?.(tx, keys.map((k) => k.id));
      }
      const account = await tx.account.findUnique({ where: { id: accountId }, select: CLOSED_ACCOUNT_SELECT });
      if (!account) return null;
      const owners = await tx.membership.findMany({
        where: { accountId, role: 'owner' },
        select: { user: { select: { email: true } } },
      });
      return { changed: count > 0, account, ownerEmails: owners.map((o) => o.user.email) };
    });
  }
}
