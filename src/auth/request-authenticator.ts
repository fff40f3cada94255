import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { ApiKeyVerifier } from '../api-keys/api-key-verifier';
import { Authenticator } from '../common/auth/authenticator';
import type { Principal } from '../common/auth/principal';
import type { RouteAuth } from '../common/auth/route-auth';
import { hasScope } from '../common/auth/scopes';
import { CommonErrors } from '../common/errors/common-errors';
import { clientIp } from '../common/http/client-ip';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.types';
import { SessionsService } from '../sessions/sessions.service';
import { AuthErrors } from './auth-errors';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** `Bearer <token>` → token; anything else in an Authorization header → '' (malformed, refused). */
function bearerToken(header: string | undefined): string | null {
  if (header === undefined) return null;
  const match = /^Bearer ([\x21-\x7e]{1,512})$/.exec(header);
  return match ? match[1] : '';
}

function requestOrigin(req: Request): string | null {
  const origin = req.headers.origin;
  if (origin) return origin;
  const referer = req.headers.referer;
  if (!referer) return null;
  try {
    return new URL(referer).origin;
  } catch {
    return null;
  }
}

/**
 * The order of checks is the pipeline's: authenticate (admin token | bearer key | session
 * cookie) → origin check for cookie mutations → session-only → scope.
 */
@Injectable()
export class RequestAuthenticator extends Authenticator {
  private readonly adminDigest: Buffer | null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly sessions: SessionsService,
    private readonly apiKeys: ApiKeyVerifier,
  ) {
    super();
    this.adminDigest = config.adminApiToken ? digest(config.adminApiToken) : null;
  }

  async authenticate(req: Request, route: Exclude<RouteAuth, { kind: 'public' }>): Promise<Principal | null> {
    if (route.kind === 'admin') return this.authenticateAdmin(req);

    const token = bearerToken(req.headers.authorization);
    if (token !== null) {
      const principal = await this.apiKeys.verify(token, clientIp(req));
      if (!principal) throw AuthErrors.invalidApiKey();
      if (route.sessionOnly) throw AuthErrors.sessionRequired();
      if (route.scope && !hasScope(principal, route.scope)) throw AuthErrors.missingScope(route.scope);
      return principal;
    }

    const principal = await this.sessions.authenticate(req);
    if (!principal) return null;
    if (MUTATING.has(req.method)) {
      const origin = requestOrigin(req);
      if (!origin || !this.config.dashboardOrigins.includes(origin)) throw AuthErrors.csrfOriginMismatch();
    }
    if (route.scope && !hasScope(principal, route.scope)) throw AuthErrors.missingScope(route.scope);
    return principal;
  }

  private authenticateAdmin(req: Request): Principal {
    // The operator surface does not exist when no token is configured.
    if (!this.adminDigest) throw CommonErrors.routeNotFound();
    const token = bearerToken(req.headers.authorization);
    // Compare fixed-length digests so the time taken says nothing about the token.
    if (!token || !timingSafeEqual(digest(token), this.adminDigest)) throw AuthErrors.invalidAdminToken();
    return { kind: 'admin' };
  }
}
