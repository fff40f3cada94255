import type { ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { CommonErrors } from '../errors/common-errors';
import { sendApiError } from '../errors/error-response';
import { requestIdOf } from '../request/request-context';
import type { Lifecycle } from './lifecycle';

/**
 * Requests arriving on an open connection after the shutdown signal get 503 and
 * `Connection: close`; requests already in flight finish, and their answer closes the
 * connection too, so keep-alive clients reconnect to another instance.
 *
 * `responsePrototype` is the Express app's response prototype (`app.response`): its writeHead
 * adds `Connection: close` while draining, once for the app rather than a closure per request.
 */
export function refuseWhileDraining(lifecycle: Lifecycle, responsePrototype: object) {
  const writeHead = Reflect.get(responsePrototype, 'writeHead') as (this: ServerResponse, ...args: unknown[]) => ServerResponse;
  Object.defineProperty(responsePrototype, 'writeHead', {
    configurable: true,
    writable: true,
    value: function writeHeadWhileDraining(this: ServerResponse, ...args: unknown[]): ServerResponse {
      if (lifecycle.draining) this.setHeader('Connection', 'close');
      return writeHead.apply(this, args);
    },
  });
  return (req: Request, res: Response, next: NextFunction): void => {
    if (lifecycle.draining) {
      sendApiError(res, CommonErrors.draining(), requestIdOf(req));
      return;
    }
    next();
  };
}
