import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../platform/database/prisma.service';

export interface AccountRateLimitOverrides {
  readPerMinute: number | null;
  writePerMinute: number | null;
}

@Injectable()
export class AccountRateLimitsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async find(accountId: string): Promise<AccountRateLimitOverrides> {
    const row = await this.prisma.account.findUnique({
      where: { id: accountId },
      select: { rateLimitReadPerMinute: true, rateLimitWritePerMinute: true },
    });
    return { readPerMinute: row?.rateLimitReadPerMinute ?? null, writePerMinute: row?.rateLimitWritePerMinute ?? null };
  }
}
