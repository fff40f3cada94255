import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { ApiKeyStrategy, bearerCredentials } from '../api-keys/api-key.strategy';
import { Authenticator } from '../../platform/auth/authenticator';
import type { CustomerPrincipal, Principal } from '../../platform/request/principal';
import type { RouteAuth } from '../../platform/auth/route-auth';
import { hasScope } from '../../platform/auth/scopes';
import { CommonErrors } from '../../platform/errors/common-errors';
import { ownOrigin } from '../../platform/http/own-origin';
import type { AppRequest } from '../../platform/request/request-context';
import { APP_CONFIG } from '../../platform/config/config.module';
import type { AppConfig } from '../../platform/config/config.types';
import { SessionsService } from '../sessions/sessions.service';
import { AuthErrors } from './auth-errors';
import { RecentSignIn } from './recent-sign-in';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

type CustomerRoute = Extract<RouteAuth, { kind: 'customer' }>;

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
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
 * Who the request is from, recorded before the refusals below (origin, session-only, scope) so
 * a refused request spends that principal's rate-limit budget rather than nobody's.
 */
function identified(req: Request, principal: CustomerPrincipal): void {
  const state = (req as AppRequest).didhub;
  if (state) state.principal = principal;
}

/**
 * The order of checks is the pipeline's: authenticate (admin token | bearer key | session
 * cookie) → origin check for cookie mutations → session-only → scope → recent sign-in (step-up).
 *
 * A request that carries an Authorization header is a bearer request, whatever else it carries:
 * it is verified as an API key and never falls back to the cookie, so a broken key is a 401 and
 * not silently the browser's session.
 */
@Injectable()
export class RequestAuthenticator extends Authenticator {
  private readonly adminDigest: Buffer | null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly sessions: SessionsService,
    private readonly recentSignIn: RecentSignIn,
    private readonly apiKeys: ApiKeyStrategy,
  ) {
    super();
    this.adminDigest = config.adminApiToken ? digest(config.adminApiToken) : null;
  }

  async authenticate(req: Request, route: Exclude<RouteAuth, { kind: 'public' }>): Promise<Principal | null> {
    if (route.kind === 'admin') return this.authenticateAdmin(req);

    if (req.headers.authorization !== undefined) {
      // A bare key (no scheme) is the commonest integration mistake: say what to send. Every other
      // malformed header keeps the one "Invalid API key." answer.
      if (req.headers.authorization.startsWith('didhub_live_')) throw AuthErrors.bearerSchemeRequired();
      const principal = await this.apiKeys.principalFor(req);
      if (!principal) throw AuthErrors.invalidApiKey();
      identified(req, principal);
      if (route.sessionOnly) throw AuthErrors.sessionRequired();
      this.authorise(principal, route);
      if (route.recentAuth) await this.recentSignIn.assert(principal);
      return principal;
    }

    const principal = await this.sessions.authenticate(req);
    if (!principal) return null;
    identified(req, principal);
    if (MUTATING.has(req.method)) {
      const origin = requestOrigin(req);
      // The API's own origin is same-origin (Swagger UI at /docs), not a cross-site request.
      if (!origin || !(this.config.dashboardOrigins.includes(origin) || origin === ownOrigin(this.config, req))) {
        throw AuthErrors.csrfOriginMismatch();
      }
    }
    // The account's MFA policy, after the grace period: only setting up a factor (and signing out) remains.
    if (principal.mfaSetup?.setupOnly && !route.duringMfaSetup) throw AuthErrors.mfaSetupRequired(principal.mfaSetup.policy);
    this.authorise(principal, route);
    if (route.recentAuth) await this.recentSignIn.assert(principal);
    return principal;
  }

  /** The scope check; the caller then asserts a recent sign-in where the route asks for one. */
  private authorise(principal: CustomerPrincipal, route: CustomerRoute): void {
    if (route.scope && !hasScope(principal, route.scope)) throw AuthErrors.missingScope(route.scope);
  }

  private authenticateAdmin(req: Request): Principal {
    // The operator surface does not exist when no token is configured.
    if (!this.adminDigest) throw CommonErrors.routeNotFound();
    const token = bearerCredentials(req.headers.authorization);
    // Compare fixed-length digests so the time taken says nothing about the token.
    if (!token || !timingSafeEqual(digest(token), this.adminDigest)) throw AuthErrors.invalidAdminToken();
    return { kind: 'admin' };
  }
}
