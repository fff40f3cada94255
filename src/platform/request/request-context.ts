import type { Request } from 'express';
import type { Principal } from './principal';
import type { ApiError } from '../errors/api-error';

/**
 * Fields the pipeline attaches to the Express request. A pipeline stage that needs its own
 * adds a typed field by declaration merging (see pipeline/idempotency/idempotency.types.ts).
 */
export interface RequestState {
  requestId: string;
  principal?: Principal;
  /** Set when the body was read as JSON (json-body.middleware.ts). */
  bodyRead?: boolean;
  /** Why the body was refused; raised by RequestShapeGuard after authentication and throttling. */
  bodyError?: ApiError;
}

export type AppRequest = Request & { didhub?: RequestState };

export function requestIdOf(req: Request): string | undefined {
  return (req as AppRequest).didhub?.requestId;
}
