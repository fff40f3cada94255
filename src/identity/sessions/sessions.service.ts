import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { APP_CONFIG } from '../../platform/config/config.module';
import type { AppConfig } from '../../platform/config/config.types';
import type { SessionPrincipal } from '../../platform/request/principal';
import { clientIp } from '../../platform/http/client-ip';
import {
  hashSessionSecret,
  newSessionToken,
  readCookie,
  SESSION_COOKIE,
  SessionCookieCodec,
  sessionSecretMatches,
} from './session-cookie';
import { policyStanding } from './mfa-policy-standing';
import { SessionsRepository } from './sessions.repository';

/** `passkey`: the second factor (or a passkey sign-in) was phishing-resistant; it is also `mfa`. */
export type AuthLevel = 'password' | 'mfa' | 'passkey';

export function isMultiFactor(level: AuthLevel): boolean {
  return level === 'mfa' || level === 'passkey';
}

export interface StartSessionInput {
  userId: string;
  accountId: string;
  authLevel: AuthLevel;
}

const REFRESH_INTERVAL_MS = 60_000;

@Injectable()
export class SessionsService {
  private readonly codec: SessionCookieCodec;
  private readonly idleMs: number;
  private readonly maxAgeMs: number;
  /** Refresh at most once a minute, or once per tenth of a short window, never coarser. */
  private readonly refreshMs: number;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly sessions: SessionsRepository,
  ) {
    this.codec = new SessionCookieCodec(config.sessionSecrets);
    this.idleMs = config.sessionIdleTimeoutSeconds * 1000;
    this.maxAgeMs = config.sessionMaxAgeSeconds * 1000;
    this.refreshMs = Math.min(REFRESH_INTERVAL_MS, this.idleMs / 10);
  }

  /** A fresh random session on every sign-in; sets the didhub_sid cookie. Returns the session id. */
  async start(input: StartSessionInput, req: Request, res: Response): Promise<string> {
    const token = newSessionToken();
    const now = new Date();
    const absoluteExpiresAt = new Date(now.getTime() + this.maxAgeMs);
    await this.sessions.create({
      id: token.sessionId,
      userId: input.userId,
      accountId: input.accountId,
      secretHash: hashSessionSecret(token.secret),
      authLevel: input.authLevel,
      ip: clientIp(req),
      userAgent: userAgentOf(req),
      now,
      idleExpiresAt: new Date(Math.min(now.getTime() + this.idleMs, absoluteExpiresAt.getTime())),
      absoluteExpiresAt,
    });
    res.cookie(SESSION_COOKIE, this.codec.encode(token), {
      httpOnly: true,
      secure: true,
      sameSite: 'lax',
      path: '/',
      maxAge: this.maxAgeMs,
      encode: (value: string) => value,
    });
    return token.sessionId;
  }

  clearCookie(res: Response): void {
    res.clearCookie(SESSION_COOKIE, { httpOnly: true, secure: true, sameSite: 'lax', path: '/' });
  }

  /** The session principal for a request's cookie, or null when absent, tampered, revoked or expired. */
  async authenticate(req: Request): Promise<SessionPrincipal | null> {
    const token = this.codec.decode(readCookie(req.headers.cookie, SESSION_COOKIE));
    if (!token) return null;
    const session = await this.sessions.findForAuth(token.sessionId);
    if (!session || !sessionSecretMatches(token.secret, session.secretHash)) return null;
    const now = Date.now();
    if (session.revokedAt || session.idleExpiresAt.getTime() <= now || session.absoluteExpiresAt.getTime() <= now) {
      return null;
    }
    // Membership, role and account status come with the session row: a removed member, a
    // changed role or a closed account takes effect on the very next request.
    if (session.role === null || session.accountStatus !== 'active') return null;
    if (now - session.lastActiveAt.getTime() >= this.refreshMs) {
      const idleExpiresAt = new Date(Math.min(now + this.idleMs, session.absoluteExpiresAt.getTime()));
      await this.sessions.touch(session.id, new Date(now), idleExpiresAt, new Date(now - this.refreshMs));
    }
    // The account's sign-in policy is judged per request, so a policy switched on reaches live
    // sessions too (after their grace period), and a factor set up in this session lifts it at once.
    const standing = policyStanding(session.accountMfaPolicy ?? 'off', session.accountMfaGraceUntil, session.authLevel, new Date(now));
    return {
      kind: 'session',
      ...(standing.kind === 'compliant'
        ? {}
        : {
            mfaSetup: {
              policy: standing.policy,
              graceUntil: standing.kind === 'grace' ? standing.until : session.accountMfaGraceUntil,
              setupOnly: standing.kind === 'setup_only',
            },
          }),
      userId: session.userId,
      accountId: session.accountId,
      sessionId: session.id,
      role: session.role,
      permissions: session.permissions ?? [],
      authLevel: session.authLevel as AuthLevel,
      authenticatedAt: session.authenticatedAt,
      // Present whenever the status is (same LEFT JOIN row).
      account: {
        id: session.accountId,
        name: session.accountName!,
        status: session.accountStatus,
        apiKeysEnabled: session.accountApiKeysEnabled!,
        createdAt: session.accountCreatedAt!,
        updatedAt: session.accountUpdatedAt!,
        rateLimitReadPerMinute: session.accountReadPerMinute,
        rateLimitWritePerMinute: session.accountWritePerMinute,
        mfaPolicy: session.accountMfaPolicy ?? 'off',
        mfaGraceUntil: session.accountMfaGraceUntil,
      },
    };
  }

  /** Step-up: the session counts as signed in at `now`, at `authLevel`. */
  markAuthenticated(sessionId: string, now: Date, authLevel: AuthLevel): Promise<void> {
    return this.sessions.markAuthenticated(sessionId, now, authLevel);
  }

  revoke(sessionId: string): Promise<void> {
    return this.sessions.revoke(sessionId, new Date());
  }

  /**
   * Ends every session of the user except `keepSessionId` (password change, "sign out
   * elsewhere"), or all of them when it is omitted (password reset). Returns how many.
   */
  revokeAllForUser(userId: string, keepSessionId?: string): Promise<number> {
    return this.sessions.revokeAllForUser(userId, new Date(), keepSessionId);
  }
}

export function userAgentOf(req: Request): string | null {
  const agent = req.headers['user-agent'];
  return agent ? agent.slice(0, 512) : null;
}
