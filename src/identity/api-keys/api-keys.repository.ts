import { Injectable } from '@nestjs/common';
import type { Prisma } from '../../generated/prisma/client';
import { PrismaService } from '../../platform/database/prisma.service';

const API_KEY_SELECT = {
  id: true,
  name: true,
  prefix: true,
  scopes: true,
  expiresAt: true,
  revokedAt: true,
  lastUsedAt: true,
  lastUsedIp: true,
  createdAt: true,
} as const;

/** What management shows of a key: never the hash. */
export interface ApiKeyRecord {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  lastUsedIp: string | null;
  createdAt: Date;
}

export interface NewApiKey {
  id: string;
  accountId: string;
  createdByUserId: string;
  name: string;
  prefix: string;
  keyHash: string;
  scopes: string[];
  expiresAt: Date | null;
}

export interface ApiKeyPosition {
  createdAt: Date;
  id: string;
}

@Injectable()
export class ApiKeysRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(key: NewApiKey, also?: (tx: Prisma.TransactionClient) => Promise<void>): Promise<ApiKeyRecord> {
    return this.prisma.$transaction(async (tx) => {
      const row = await tx.apiKey.create({ data: key, select: API_KEY_SELECT });
      await also?.(tx);
      return row;
    });
  }

  async find(accountId: string, id: string): Promise<ApiKeyRecord | null> {
    return this.prisma.apiKey.findFirst({ where: { id, accountId }, select: API_KEY_SELECT });
  }

  /** Newest first, keyset on (created_at, id) — the (account_id, created_at desc, id desc) index. */
  async listActive(accountId: string, take: number, after: ApiKeyPosition | null): Promise<ApiKeyRecord[]> {
    return this.prisma.apiKey.findMany({
      where: {
        accountId,
        revokedAt: null,
        ...(after
          ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] }
          : {}),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take,
      select: API_KEY_SELECT,
    });
  }

  /** Conditional, so a second revoke keeps the first revoked_at. Returns the key, or null if not the account's. */
  async revoke(accountId: string, id: string, now: Date, also?: (tx: Prisma.TransactionClient) => Promise<void>): Promise<ApiKeyRecord | null> {
    await this.prisma.$transaction(async (tx) => {
      const { count } = await tx.apiKey.updateMany({ where: { id, accountId, revokedAt: null }, data: { revokedAt: now } });
      if (count === 1) await also?.(tx);
    });
    return this.find(accountId, id);
  }

  async apiKeysEnabled(accountId: string): Promise<boolean> {
    const account = await this.prisma.account.findUnique({ where: { id: accountId }, select: { apiKeysEnabled: true } });
    return account?.apiKeysEnabled ?? false;
  }

  async ownerEmails(accountId: string): Promise<string[]> {
    const owners = await this.prisma.membership.findMany({
      where: { accountId, role: 'owner' },
      select: { user: { select: { email: true } } },
    });
    return owners.map((owner) => owner.user.email);
  }
}
