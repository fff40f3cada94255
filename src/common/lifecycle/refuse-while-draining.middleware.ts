import type { NextFunction, Request, Response } from 'express';
import { CommonErrors } from '../errors/common-errors';
import { sendApiError } from '../errors/error-response';
import { requestIdOf } from '../http/request-context';
import type { Lifecycle } from './lifecycle';

/** Requests arriving on an open connection after the shutdown signal get 503 and `Connection: close`. */
export function refuseWhileDraining(lifecycle: Lifecycle) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!lifecycle.draining) {
      next();
      return;
    }
    sendApiError(res, CommonErrors.draining(), requestIdOf(req));
  };
}
