import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { Strategy } from 'passport-http-bearer';
import type { ApiKeyPrincipal } from '../../platform/request/principal';
import { clientIp } from '../../platform/http/client-ip';
import { ApiKeyVerifier } from './api-key-verifier';

export const API_KEY_STRATEGY = 'api-key';

/** The credentials of an `Authorization: Bearer <token>` header (scheme case-insensitive, RFC 7235), else null. */
export function bearerCredentials(header: string | undefined): string | null {
  const match = header === undefined ? null : /^bearer ([^ ]+)$/i.exec(header);
  return match ? match[1] : null;
}

/** The callbacks Passport attaches to a strategy for one authentication attempt. */
interface StrategyAttempt {
  success(user: unknown): void;
  fail(): void;
  error(err: unknown): void;
  pass(): void;
  redirect(): void;
  authenticate(req: Request, options?: object): void;
}

/**
 * The bearer API-key scheme. passport-http-bearer parses the header; validate() is one indexed
 * lookup through ApiKeyVerifier. `false` means "not a valid key" — the caller answers every such
 * case (malformed, unknown, revoked, expired) with the same 401.
 */
@Injectable()
export class ApiKeyStrategy extends PassportStrategy(Strategy, API_KEY_STRATEGY) {
  constructor(private readonly verifier: ApiKeyVerifier) {
    super({ passReqToCallback: true });
  }

  async validate(req: Request, token: string): Promise<ApiKeyPrincipal | false> {
    // passport-http-bearer also takes `access_token` from the query string or the body; a key
    // in a URL ends up in access logs and browser history, so only the header is accepted.
    if (bearerCredentials(req.headers.authorization) !== token) return false;
    return (await this.verifier.verify(token, clientIp(req))) ?? false;
  }

  /**
   * Runs the strategy for one request the way Passport does (a per-attempt object inheriting
   * from the strategy, with the outcome callbacks), without Passport's middleware round trip
   * on the hot path.
   */
  principalFor(req: Request): Promise<ApiKeyPrincipal | null> {
    return new Promise((resolve, reject) => {
      const attempt = Object.create(this) as StrategyAttempt;
      attempt.success = (user) => resolve(user as ApiKeyPrincipal);
      attempt.fail = () => resolve(null);
      attempt.pass = () => resolve(null);
      attempt.redirect = () => resolve(null);
      attempt.error = (err) => reject(err instanceof Error ? err : new Error('API key verification failed'));
      attempt.authenticate(req, { session: false });
    });
  }
}
