import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { sendApiError } from '../errors/error-response';
import { toApiError } from '../errors/to-api-error';
import { safeError } from '../logging/safe-error';
import { requestIdOf } from '../request/request-context';

/**
 * Errors raised by Express middleware before Nest's pipeline (body parser: malformed JSON,
 * body too large) leave in the same format as everything else.
 */
export function expressErrorHandler(bodyLimit: number, logger: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const { error, known } = toApiError(err, bodyLimit);
    if (!known) logger.error({ err: safeError(err), request_id: requestIdOf(req) }, 'unhandled middleware error');
    sendApiError(res, error, requestIdOf(req));
  };
}
