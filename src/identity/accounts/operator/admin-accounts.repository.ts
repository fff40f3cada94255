import { Injectable } from '@nestjs/common';
import { Prisma } from '../../../generated/prisma/client';
import { PrismaService } from '../../../platform/database/prisma.service';
import type { RetentionOverrides } from '../../../data-protection/retention/retention-overrides';

const ADMIN_ACCOUNT_SELECT = {
  id: true,
  name: true,
  status: true,
  closedAt: true,
  anonymizedAt: true,
  retentionOverrides: true,
  apiKeysEnabled: true,
  sipPrivateHostsAllowed: true,
  rateLimitReadPerMinute: true,
  rateLimitWritePerMinute: true,
  createdAt: true,
  updatedAt: true,
} as const;

export interface AdminAccountRecord {
  id: string;
  name: string;
  status: string;
  closedAt: Date | null;
  anonymizedAt: Date | null;
  retentionOverrides: unknown;
  apiKeysEnabled: boolean;
  sipPrivateHostsAllowed: boolean;
  rateLimitReadPerMinute: number | null;
  rateLimitWritePerMinute: number | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface AccountSettingsChange {
  apiKeysEnabled?: boolean;
  sipPrivateHostsAllowed?: boolean;
  rateLimitReadPerMinute?: number | null;
  rateLimitWritePerMinute?: number | null;
  /** null clears every override. */
  retentionOverrides?: RetentionOverrides | null;
}

export type ReopenResult = 'reopened' | 'not_closed' | 'anonymized' | 'missing';

@Injectable()
export class AdminAccountsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async find(id: string): Promise<AdminAccountRecord | null> {
    return this.prisma.account.findUnique({ where: { id }, select: ADMIN_ACCOUNT_SELECT });
  }

  /** One conditional write: returns null (and changes nothing) when the account does not exist. */
  async update(id: string, change: AccountSettingsChange): Promise<AdminAccountRecord | null> {
    const { retentionOverrides, ...rest } = change;
    const data: Prisma.AccountUpdateManyMutationInput = { ...rest };
    if (retentionOverrides !== undefined) {
      data.retentionOverrides = retentionOverrides === null ? Prisma.DbNull : (retentionOverrides as Prisma.InputJsonObject);
    }
    const { count } = await this.prisma.account.updateMany({ where: { id }, data });
    return count ? this.find(id) : null;
  }

  /**
   * closed → active, conditional so it cannot race the retention job: once the job has moved
   * the account to `anonymizing` this changes nothing. Sessions and keys stay revoked.
   */
  async reopen(id: string, also?: (tx: Prisma.TransactionClient) => Promise<void>): Promise<ReopenResult> {
    const count = await this.prisma.$transaction(async (tx) => {
      const { count } = await tx.account.updateMany({
        where: { id, status: 'closed' },
        data: { status: 'active', closedAt: null },
      });
      if (count) await also?.(tx);
      return count;
    });
    if (count) return 'reopened';
    const row = await this.prisma.account.findUnique({ where: { id }, select: { status: true } });
    if (!row) return 'missing';
    return row.status === 'active' ? 'not_closed' : 'anonymized';
  }
}
