import { SetMetadata } from '@nestjs/common';
import type { KeyedHash } from '../../platform/crypto/keyed-hash';
import type { AppRequest } from '../../platform/request/request-context';
import { type IdempotencyGate, type IdempotencyScope, idempotencyStateOf, type ReplayedResponse } from './idempotency.types';

export type { IdempotencyGate } from './idempotency.types';
import { requestFingerprint } from './request-fingerprint';


const STREAMS_OWN_BODY = 'didhub:idempotency:streams-own-body';

/**
 * Marks a route that reads its own request body (multipart upload): its requests are
 * fingerprinted through the gate. The route decides, never the request's Content-Type: a
 * client could otherwise label any body-less POST `multipart/form-data` and switch idempotency off.
 */
export const StreamsOwnBody = (): MethodDecorator => SetMetadata(STREAMS_OWN_BODY, true);

/** True for a route handler marked @StreamsOwnBody(). */
export function streamsOwnBody(handler: Function): boolean {
  return Reflect.getMetadata(STREAMS_OWN_BODY, handler) === true;
}

/** The gate for this request, or null when the request carries no Idempotency-Key. */
export function idempotencyGateOf(req: AppRequest): IdempotencyGate | null {
  return req.didhub?.idempotency?.gate ?? null;
}

export function setIdempotencyGate(req: AppRequest, gate: IdempotencyGate): void {
  if (req.didhub) idempotencyStateOf(req.didhub).gate = gate;
}

/** The fingerprint of a streamed request: method, path and the digest of its raw bytes. */
export function streamedFingerprint(scope: Pick<IdempotencyScope, 'method' | 'path'>, rawBodySha256: string, keyedHash: KeyedHash): string {
  return requestFingerprint({ method: scope.method, path: scope.path, body: Buffer.from(`sha256:${rawBodySha256}`, 'latin1') }, keyedHash);
}

/** Returned by a streaming handler that already sent a replayed response: nothing to store. */
export class IdempotentReplay {
  constructor(readonly response: ReplayedResponse) {}
}
