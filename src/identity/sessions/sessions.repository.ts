import { Injectable } from '@nestjs/common';
import type { PreparedStatement } from '../../platform/database/database';
import { PrismaService } from '../../platform/database/prisma.service';

/**
 * Every cookie request runs this: the session, the user's membership in the session's account
 * and that account's status in one round trip (primary key, the (account_id, user_id) unique
 * index, primary key), as a prepared statement on the lean path rather than two Prisma queries.
 * No membership or no account gives nulls, which the service refuses.
 */
const FIND_FOR_AUTH: PreparedStatement = {
  name: 'session_auth',
  text: `SELECT s.id, s.user_id AS "userId", s.account_id AS "accountId", s.secret_hash AS "secretHash",
           s.auth_level AS "authLevel", s.authenticated_at AS "authenticatedAt", s.last_active_at AS "lastActiveAt",
           s.idle_expires_at AS "idleExpiresAt", s.absolute_expires_at AS "absoluteExpiresAt", s.revoked_at AS "revokedAt",
           m.role, m.permissions, a.status AS "accountStatus", a.name AS "accountName",
           a.api_keys_enabled AS "accountApiKeysEnabled", a.created_at AS "accountCreatedAt", a.updated_at AS "accountUpdatedAt",
           a.rate_limit_read_per_minute AS "accountReadPerMinute", a.rate_limit_write_per_minute AS "accountWritePerMinute",
           a.mfa_policy AS "accountMfaPolicy", a.mfa_grace_until AS "accountMfaGraceUntil"
         FROM sessions s
         LEFT JOIN memberships m ON m.account_id = s.account_id AND m.user_id = s.user_id
         LEFT JOIN accounts a ON a.id = s.account_id
         WHERE s.id = $1`,
};

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
  /** The user's role in the session's account; null when no longer a member. */
  role: string | null;
  permissions: string[] | null;
  accountStatus: string | null;
  accountName: string | null;
  accountApiKeysEnabled: boolean | null;
  accountCreatedAt: Date | null;
  accountUpdatedAt: Date | null;
  accountReadPerMinute: number | null;
  accountWritePerMinute: number | null;
  accountMfaPolicy: string | null;
  accountMfaGraceUntil: Date | null;
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

  async findForAuth(id: string): Promise<SessionAuthRow | null> {
    const [row] = await this.prisma.database.prepared<SessionAuthRow>(FIND_FOR_AUTH, [id]);
    return row ?? null;
  }

  /** Slides the idle window; conditional so concurrent requests write once. */
  async touch(id: string, now: Date, idleExpiresAt: Date, notTouchedSince: Date): Promise<void> {
    await this.prisma.session.updateMany({
      where: { id, revokedAt: null, lastActiveAt: { lt: notTouchedSince } },
      data: { lastActiveAt: now, idleExpiresAt },
    });
  }

  /** Step-up: the session counts as freshly signed in from `now`. */
  async markAuthenticated(id: string, now: Date, authLevel: string): Promise<void> {
    await this.prisma.session.updateMany({ where: { id, revokedAt: null }, data: { authenticatedAt: now, authLevel } });
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
