import type { NextFunction, Request, Response } from 'express';
import { CommonErrors } from '../errors/common-errors';
import { sendApiError } from '../errors/error-response';
import { requestIdOf } from '../http/request-context';
import type { Lifecycle } from './lifecycle';

/**
 * Requests arriving on an open connection after the shutdown signal get 503 and
 * `Connection: close`; requests already in flight finish, and their answer closes the
 * connection too, so keep-alive clients reconnect to another instance.
 */
export function refuseWhileDraining(lifecycle: Lifecycle) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (lifecycle.draining) {
      sendApiError(res, CommonErrors.draining(), requestIdOf(req));
      return;
    }
    const writeHead = res.writeHead;
    res.writeHead = function writeHeadWhileDraining(this: Response, ...args: unknown[]) {
      if (lifecycle.draining) this.setHeader('Connection', 'close');
      return (writeHead as (...a: unknown[]) => Response).apply(this, args);
    } as Response['writeHead'];
    next();
  };
}
