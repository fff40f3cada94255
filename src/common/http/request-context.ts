import type { Request } from 'express';
import type { Principal } from '../auth/principal';

/** Fields the pipeline attaches to the Express request. */
export interface RequestState {
  requestId: string;
  principal?: Principal;
  [extra: string]: unknown;
}

export type AppRequest = Request & { didhub?: RequestState };

export function requestIdOf(req: Request): string | undefined {
  return (req as AppRequest).didhub?.requestId;
}
