import { trace } from '@opentelemetry/api';
import type { NextFunction, Request, Response } from 'express';
import { newId } from '../ids/ids';
import { requestScope } from '../request/request-scope';
import type { AppRequest } from '../request/request-context';

/** What a caller's or proxy's own request id may look like to be kept (a UUID, a trace id, `req_…`). */
const WELL_FORMED = /^[A-Za-z0-9][A-Za-z0-9._:-]{7,127}$/;

/**
 * Every response carries X-Request-Id; the same id appears in errors and logs. A well-formed
 * incoming X-Request-Id (from a proxy or the caller) is kept, so one id follows the request
 * through every hop; anything else is replaced by a new one.
 */
export function requestId(req: Request, res: Response, next: NextFunction): void {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && WELL_FORMED.test(incoming) ? incoming : newId('request');
  (req as AppRequest).didhub = { requestId: id };
  res.setHeader('X-Request-Id', id);
  // The HTTP server span, when tracing is on (a no-op otherwise): one id joins logs and traces.
  trace.getActiveSpan()?.setAttribute('didhub.request_id', id);
  requestScope.run({ requestId: id }, next);
}
