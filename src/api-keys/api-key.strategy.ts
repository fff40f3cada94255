import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { ApiKeyPrincipal } from '../common/auth/principal';
import { clientIp } from '../common/http/client-ip';
import { ApiKeyVerifier } from './api-key-verifier';

/** The credentials of an `Authorization: Bearer <token>` header (scheme case-insensitive, RFC 7235), else null. */
export function bearerCredentials(header: string | undefined): string | null {
  const match = header === undefined ? null : /^bearer ([^ ]+)$/i.exec(header);
  return match ? match[1] : null;
}

/**
 * The bearer API-key scheme: the header's token, then one indexed lookup through
 * ApiKeyVerifier. Only the header is accepted — a key in a query string or a body ends up in
 * access logs and browser history. null means "not a valid key": the caller answers every such
 * case (malformed, unknown, revoked, expired) with the same 401.
 *
 * Plain code rather than passport-http-bearer behind Passport: the result is the same, without
 * Passport's per-request strategy object, closures and callback round trip on the hot path.
 */
@Injectable()
export class ApiKeyStrategy {
  constructor(private readonly verifier: ApiKeyVerifier) {}

  async principalFor(req: Request): Promise<ApiKeyPrincipal | null> {
    const token = bearerCredentials(req.headers.authorization);
    return token === null ? null : this.verifier.verify(token, clientIp(req));
  }
}
