import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../platform/database/prisma.service';

const SESSION_SELECT = {
  id: true,
  userId: true,
  accountId: true,
  ip: true,
  userAgent: true,
  createdAt: true,
  lastActiveAt: true,
  idleExpiresAt: true,
  absoluteExpiresAt: true,
  revokedAt: true,
} as const;

export interface SessionRow {
  id: string;
  userId: string;
  accountId: string;
  ip: string | null;
  userAgent: string | null;
  createdAt: Date;
  lastActiveAt: Date;
  idleExpiresAt: Date;
  absoluteExpiresAt: Date;
  revokedAt: Date | null;
}

export interface SessionListCursor {
  createdAt: Date;
  id: string;
}

/** Reads and revocations behind the session-management endpoints (the auth hot path is SessionsRepository). */
@Injectable()
export class SessionManagementRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Live sessions of the user, newest first, keyset on (created_at, id) — served by the
   * sessions (user_id, created_at DESC, id) index.
   */
  listLive(userId: string, now: Date, take: number, after: SessionListCursor | null): Promise<SessionRow[]> {
    return this.prisma.session.findMany({
      where: {
        userId,
        revokedAt: null,
        idleExpiresAt: { gt: now },
        absoluteExpiresAt: { gt: now },
        ...(after
          ? {
              OR: [
                { createdAt: { lt: after.createdAt } },
                { createdAt: after.createdAt, id: { lt: after.id } },
              ],
            }
          : {}),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take,
      select: SESSION_SELECT,
    });
  }

  /** The session only if it belongs to the user: another user's session is indistinguishable from none. */
  findOwned(userId: string, id: string): Promise<SessionRow | null> {
    return this.prisma.session.findFirst({ where: { id, userId }, select: SESSION_SELECT });
  }

  async revokeOwned(userId: string, id: string, now: Date): Promise<void> {
    await this.prisma.session.updateMany({ where: { id, userId, revokedAt: null }, data: { revokedAt: now } });
  }
}
