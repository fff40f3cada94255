import type { NextFunction, Request, Response } from 'express';
import { newId } from '../ids/ids';
import { requestScope } from '../request/request-scope';
import type { AppRequest } from '../request/request-context';

/** Every response carries X-Request-Id; the same id appears in errors and logs. */
export function requestId(req: Request, res: Response, next: NextFunction): void {
  const id = newId('request');
  (req as AppRequest).didhub = { requestId: id };
  res.setHeader('X-Request-Id', id);
  requestScope.run({ requestId: id }, next);
}
