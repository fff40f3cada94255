import type { Response } from 'express';
import type { ApiError } from './api-error';

/** Writes an ApiError in the one wire format; used by the Nest filter and the Express fallback. */
export function sendApiError(res: Response, error: ApiError, requestId: string | undefined): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  res.status(error.getStatus()).json({ error: { ...error.body, request_id: requestId ?? null } });
}
