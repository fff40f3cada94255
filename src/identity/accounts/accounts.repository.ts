import { Injectable } from '@nestjs/common';
import type { PreparedStatement } from '../../platform/database/database';
import { PrismaService } from '../../platform/database/prisma.service';

const ACCOUNT_SELECT = {
  id: true,
  name: true,
  status: true,
  apiKeysEnabled: true,
  createdAt: true,
  updatedAt: true,
  mfaPolicy: true,
  mfaGraceUntil: true,
} as const;

/** ACCOUNT_SELECT's columns, by primary key. */
const FIND_ACCOUNT: PreparedStatement = {
  name: 'account_find',
  text: `SELECT id, name, status, api_keys_enabled AS "apiKeysEnabled", created_at AS "createdAt", updated_at AS "updatedAt",
           mfa_policy AS "mfaPolicy", mfa_grace_until AS "mfaGraceUntil"
         FROM accounts WHERE id = $1`,
};

export interface AccountRow {
  id: string;
  name: string;
  status: string;
  apiKeysEnabled: boolean;
  createdAt: Date;
  updatedAt: Date;
  mfaPolicy: string;
  mfaGraceUntil: Date | null;
}

export interface AccountMembershipRow {
  role: string;
  accountStatus: string;
}

@Injectable()
export class AccountsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** GET /v1/account for every key and session: a prepared statement on the lean path. */
  async find(id: string): Promise<AccountRow | null> {
    const [row] = await this.prisma.database.prepared<AccountRow>(FIND_ACCOUNT, [id]);
    return row ?? null;
  }

  rename(id: string, name: string): Promise<AccountRow> {
    return this.prisma.account.update({ where: { id }, data: { name }, select: ACCOUNT_SELECT });
  }

  setMfaPolicy(id: string, mfaPolicy: string, mfaGraceUntil: Date | null): Promise<AccountRow> {
    return this.prisma.account.update({ where: { id }, data: { mfaPolicy, mfaGraceUntil }, select: ACCOUNT_SELECT });
  }

  async membership(accountId: string, userId: string): Promise<AccountMembershipRow | null> {
    const row = await this.prisma.membership.findUnique({
      where: { accountId_userId: { accountId, userId } },
      select: { role: true, account: { select: { status: true } } },
    });
    return row ? { role: row.role, accountStatus: row.account.status } : null;
  }

  /**
   * Points the live session at another account and makes that account the user's default for
   * the next sign-in. False when the session ended in the meantime.
   */
  async switchSession(sessionId: string, userId: string, accountId: string): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.session.updateMany({
        where: { id: sessionId, userId, revokedAt: null },
        data: { accountId },
      });
      if (count === 0) return false;
      await tx.user.update({ where: { id: userId }, data: { defaultAccountId: accountId } });
      return true;
    });
  }
}
