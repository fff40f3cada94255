import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma/prisma.service';

const ADMIN_ACCOUNT_SELECT = {
  id: true,
  name: true,
  status: true,
  closedAt: true,
  apiKeysEnabled: true,
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
  apiKeysEnabled: boolean;
  rateLimitReadPerMinute: number | null;
  rateLimitWritePerMinute: number | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface AccountSettingsChange {
  apiKeysEnabled?: boolean;
  rateLimitReadPerMinute?: number | null;
  rateLimitWritePerMinute?: number | null;
}

@Injectable()
export class AdminAccountsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async find(id: string): Promise<AdminAccountRecord | null> {
    return this.prisma.account.findUnique({ where: { id }, select: ADMIN_ACCOUNT_SELECT });
  }

  /** One conditional write: returns null (and changes nothing) when the account does not exist. */
  async update(id: string, change: AccountSettingsChange): Promise<AdminAccountRecord | null> {
    const { count } = await this.prisma.account.updateMany({ where: { id }, data: change });
    return count ? this.find(id) : null;
  }
}
