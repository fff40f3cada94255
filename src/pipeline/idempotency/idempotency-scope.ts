import type { KeyedHash } from '../../platform/crypto/keyed-hash';
import type { AppRequest } from '../../platform/request/request-context';
import { IdempotencyErrors } from './idempotency-errors';
import { type IdempotencyScope, idempotencyStateOf, type ReplayedResponse } from './idempotency.types';
import { IDEMPOTENT_METHODS, isValidIdempotencyKey, requestFingerprint } from './request-fingerprint';


/**
 * The idempotency scope of a request, or null when it does not take part: not a
 * POST/PATCH/DELETE, no Idempotency-Key, or no customer principal (public sign-in routes and
 * the operator API). Throws 400 for a malformed key on a request that takes part. `streamed`:
 * the route reads its own body (see StreamsOwnBody).
 */
export function idempotencyScopeOf(req: AppRequest, keyedHash: KeyedHash, streamed: boolean): IdempotencyScope | null {
  // The rate limiter asks first and the interceptor again: hash the body once per request.
  const known = req.didhub?.idempotency?.scope;
  if (known !== undefined) return known;
  const scope = computeScope(req, keyedHash, streamed);
  if (req.didhub) idempotencyStateOf(req.didhub).scope = scope;
  return scope;
}

function computeScope(req: AppRequest, keyedHash: KeyedHash, streamed: boolean): IdempotencyScope | null {
  const method = req.method.toUpperCase();
  if (!IDEMPOTENT_METHODS.has(method)) return null;
  const header = req.headers['idempotency-key'];
  if (header === undefined) return null;
  const principal = req.didhub?.principal;
  if (!principal || principal.kind === 'admin') return null;
  const key = Array.isArray(header) ? null : header;
  if (key === null || !isValidIdempotencyKey(key)) throw IdempotencyErrors.invalidKey();
  const path = req.originalUrl;
  // Scoped to who asked, not only the account: another member (or key) sending the same key and
  // body runs its own request, with its own permission checks, and never sees this one's answer.
  const principalId = principal.kind === 'session' ? `user:${principal.userId}` : `key:${principal.apiKeyId}`;
  // A streamed body (multipart upload) is fingerprinted by its route through the idempotency
  // gate; the empty fingerprint here matches no stored record, so no early replay is found.
  if (streamed) return { accountId: principal.accountId, principalId, key, method, path, fingerprint: '' };
  // A multipart body is hashed as the raw bytes when a parser kept them (`rawBody`).
  const raw = (req as AppRequest & { rawBody?: unknown }).rawBody;
  const body: unknown = Buffer.isBuffer(raw) ? raw : req.body;
  return {
    accountId: principal.accountId,
    principalId,
    key,
    method,
    path,
    fingerprint: requestFingerprint({ method, path, body }, keyedHash),
  };
}

export function stashedReplay(req: AppRequest): ReplayedResponse | undefined {
  return req.didhub?.idempotency?.replay;
}

export function stashReplay(req: AppRequest, replay: ReplayedResponse): void {
  if (req.didhub) idempotencyStateOf(req.didhub).replay = replay;
}
