import type { RequestState } from '../../platform/request/request-context';

export interface IdempotencyScope {
  accountId: string;
  /** `user:<id>` or `key:<id>`: records belong to who made the request, not only to the account. */
  principalId: string;
  key: string;
  method: string;
  path: string;
  fingerprint: string;
}

/** The right to run a request under a key: the record and the lease token that fences it. */
export interface IdempotencyLease {
  recordId: string;
  leaseToken: string;
}

export type IdempotencyDecision =
  | { kind: 'execute'; lease: IdempotencyLease }
  | { kind: 'replay'; response: ReplayedResponse };

export interface ReplayedResponse {
  status: number;
  /** The JSON body as first sent (one-time secret fields removed), or undefined for an empty body. */
  body: unknown;
  headers: Record<string, string>;
}

/** The response of a finished request, as the interceptor saw it. */
export interface FinishedResponse {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

/** What idempotency keeps on a request between the rate limiter, the interceptor and a streaming route. */
export interface IdempotencyRequestState {
  /** The scope, once computed (null: the request takes no part). */
  scope?: IdempotencyScope | null;
  /** A finished replay the rate limiter already found (one read, not two). */
  replay?: ReplayedResponse;
  /** The gate a streaming route claims its fingerprint through. */
  gate?: IdempotencyGate;
}

/**
 * Idempotency for a route that streams its own body (multipart document upload). The body is
 * not parsed before the handler runs, so the interceptor cannot fingerprint it up front;
 * instead the handler hashes the raw bytes while streaming and calls `claim` before it commits
 * anything. `claim` answers null (go on; the interceptor stores the response as usual) or the
 * stored response to replay, and throws 422/409 like the interceptor would for a reused or
 * in-progress key.
 */
export interface IdempotencyGate {
  claim(rawBodySha256: string): Promise<ReplayedResponse | null>;
}

// The request's typed slot for idempotency: platform/ declares the request state, this wing
// adds its own field to it (declaration merging), so platform never imports the pipeline.
declare module '../../platform/request/request-context' {
  interface RequestState {
    idempotency?: IdempotencyRequestState;
  }
}

/** The request's idempotency state, created on first use. */
export function idempotencyStateOf(state: RequestState): IdempotencyRequestState {
  return (state.idempotency ??= {});
}
