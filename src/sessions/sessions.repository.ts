import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma/prisma.service';

const AUTH_SELECT = {
  id: true,
  userId: true,
  accountId: true,
  secretHash: true,
  authLevel: true,
  authenticatedAt: true,
  lastActiveAt: true,
  idleExpiresAt: true,
  absoluteExpiresAt: true,
  revokedAt: true,
} as const;

export interface SessionAuthRow {
  id: string;
  userId: string;
  accountId: string;
  secretHash: string;
  authLevel: string;
  authenticatedAt: Date;
  lastActiveAt: Date;
  idleExpiresAt: Date;
  absoluteExpiresAt: Date;
  revokedAt: Date | null;
}

export interface MembershipGrant {
  role: string;
  permissions: string[];
  accountStatus: string;
}

export interface NewSession {
  id: string;
  userId: string;
  accountId: string;
  secretHash: string;
  authLevel: string;
  ip: string | null;
  userAgent: string | null;
  now: Date;
  idleExpiresAt: Date;
  absoluteExpiresAt: Date;
}

@Injectable()
export class SessionsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(session: NewSession): Promise<void> {
    await this.prisma.session.create({
      data: {
        id: session.id,
        userId: session.userId,
        accountId: session.accountId,
        secretHash: session.secretHash,
        authLevel: session.authLevel,
        authenticatedAt: session.now,
        ip: session.ip,
        userAgent: session.userAgent,
        createdAt: session.now,
        lastActiveAt: session.now,
        idleExpiresAt: session.idleExpiresAt,
        absoluteExpiresAt: session.absoluteExpiresAt,
      },
    });
  }

  findForAuth(id: string): Promise<SessionAuthRow | null> {
    return this.prisma.session.findUnique({ where: { id }, select: AUTH_SELECT });
  }

  async membership(accountId: string, userId: string): Promise<MembershipGrant | null> {
    const row = await this.prisma.membership.findUnique({
      where: { accountId_userId: { accountId, userId } },
      select: { role: true, permissions: true, account: { select: { status: true } } },
    });
    return row ? { role: row.role, permissions: row.permissions, accountStatus: row.account.status } : null;
  }

  /** Slides the idle window; conditional so concurrent requests write once. */
  async touch(id: string, now: Date, idleExpiresAt: Date, notTouchedSince: Date): Promise<void> {
    await this.prisma.session.updateMany({
      where: { id, revokedAt: null, lastActiveAt: { lt: notTouchedSince } },
      data: { lastActiveAt: now, idleExpiresAt },
    });
  }

  /** Step-up: the session counts as freshly signed in from `now`. */
  async markAuthenticated(id: string, now: Date): Promise<void> {
    await this.prisma.session.updateMany({ where: { id, revokedAt: null }, data: { authenticatedAt: now } });
  }

  async revoke(id: string, now: Date): Promise<void> {
    await this.prisma.session.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: now } });
  }

  /** Revokes every live session of the user, optionally sparing one; returns how many (dead ones need nothing). */
  async revokeAllForUser(userId: string, now: Date, exceptSessionId?: string): Promise<number> {
    const { count } = await this.prisma.session.updateMany({
      where: {
        userId,
        revokedAt: null,
        idleExpiresAt: { gt: now },
        absoluteExpiresAt: { gt: now },
        ...(exceptSessionId ? { id: { not: exceptSessionId } } : {}),
      },
      data: { revokedAt: now },
    });
    return count;
  }
}
