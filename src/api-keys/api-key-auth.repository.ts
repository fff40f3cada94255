import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma/prisma.service';

export interface ApiKeyAuthRow {
  id: string;
  accountId: string;
  scopes: string[];
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  accountStatus: string;
}

@Injectable()
export class ApiKeyAuthRepository {
  constructor(private readonly prisma: PrismaService) {}

  async findByHash(keyHash: string): Promise<ApiKeyAuthRow | null> {
    const row = await this.prisma.apiKey.findUnique({
      where: { keyHash },
      select: {
        id: true,
        accountId: true,
        scopes: true,
        expiresAt: true,
        revokedAt: true,
        lastUsedAt: true,
        account: { select: { status: true } },
      },
    });
    if (!row) return null;
    const { account, ...key } = row;
    return { ...key, accountStatus: account.status };
  }

  /** Conditional: many concurrent requests on one key write at most once per interval. */
  async markUsed(id: string, now: Date, ip: string | null, notUsedSince: Date): Promise<void> {
    await this.prisma.apiKey.updateMany({
      where: { id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: notUsedSince } }] },
      data: { lastUsedAt: now, lastUsedIp: ip },
    });
  }
}
