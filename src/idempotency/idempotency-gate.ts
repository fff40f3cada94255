import type { AppRequest } from '../common/http/request-context';
import type { IdempotencyScope, ReplayedResponse } from './idempotency.service';
import { requestFingerprint } from './request-fingerprint';

/**
 * Idempotency for a route that streams its own body (multipart document upload). The body is
 * not parsed before the handler runs, so the interceptor cannot fingerprint it up front;
 * instead the handler hashes the raw bytes while streaming and calls `claim` before it commits
 * anything. `claim` answers null (go on; the interceptor stores the response as usual) or the
 * stored response to replay (the handler sends it and returns `IdempotentReplay`), and throws
 * 422/409 like the interceptor would for a reused or in-progress key.
 */
export interface IdempotencyGate {
  claim(rawBodySha256: string): Promise<ReplayedResponse | null>;
}

const GATE_STATE = 'idempotencyGate';

/** True for bodies the route streams itself; they are fingerprinted through the gate. */
export function isStreamedBody(req: AppRequest): boolean {
  const type = req.headers['content-type'];
  return typeof type === 'string' && /^multipart\/form-data\b/i.test(type);
}

/** The gate for this request, or null when the request carries no Idempotency-Key. */
export function idempotencyGateOf(req: AppRequest): IdempotencyGate | null {
  return (req.didhub?.[GATE_STATE] as IdempotencyGate | undefined) ?? null;
}

export function setIdempotencyGate(req: AppRequest, gate: IdempotencyGate): void {
  if (req.didhub) req.didhub[GATE_STATE] = gate;
}

/** The fingerprint of a streamed request: method, path and the digest of its raw bytes. */
export function streamedFingerprint(scope: Pick<IdempotencyScope, 'method' | 'path'>, rawBodySha256: string): string {
  return requestFingerprint({ method: scope.method, path: scope.path, body: Buffer.from(`sha256:${rawBodySha256}`, 'latin1') });
}

/** Returned by a streaming handler that already sent a replayed response: nothing to store. */
export class IdempotentReplay {
  constructor(readonly response: ReplayedResponse) {}
}
