import type { Response } from 'express';
import type { ApiError } from './api-error';

/** The wire body of an error: `{"error":{type,code,message,param?,request_id}}`. */
export function errorBody(error: ApiError, requestId: string | undefined): { error: Record<string, unknown> } {
  return { error: { ...error.body, request_id: requestId ?? null } };
}

/** Writes an ApiError in the one wire format; used by the Nest filter and the Express fallback. */
export function sendApiError(res: Response, error: ApiError, requestId: string | undefined): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  res.status(error.getStatus()).json(errorBody(error, requestId));
}
