import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../platform/database/prisma.service';

const ATTEMPT_SELECT = {
  id: true,
  success: true,
  method: true,
  failureReason: true,
  ip: true,
  userAgent: true,
  createdAt: true,
} as const;

export interface LoginAttemptRow {
  id: string;
  success: boolean;
  method: string;
  failureReason: string | null;
  ip: string | null;
  userAgent: string | null;
  createdAt: Date;
}

export interface NewLoginAttempt {
  id: string;
  userId: string | null;
  success: boolean;
  method: string;
  failureReason: string | null;
  ip: string | null;
  userAgent: string | null;
}

export interface AttemptPosition {
  createdAt: Date;
  id: string;
}

@Injectable()
export class LoginHistoryRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(attempt: NewLoginAttempt): Promise<void> {
    await this.prisma.loginAttempt.create({ data: attempt });
  }

  /** Newest first; served by the (user_id, created_at DESC, id DESC) index. */
  listForUser(userId: string, take: number, after: AttemptPosition | null): Promise<LoginAttemptRow[]> {
    return this.prisma.loginAttempt.findMany({
      where: {
        userId,
        ...(after
          ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] }
          : {}),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take,
      select: ATTEMPT_SELECT,
    });
  }
}
