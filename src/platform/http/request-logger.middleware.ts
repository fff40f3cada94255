import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { type AppRequest, requestIdOf } from '../request/request-context';

const STARTED_AT = Symbol('didhub.startedAt');
type TimedResponse = Response & { [STARTED_AT]?: number };

/**
 * One line per finished (or aborted) request: request id, method, path without the query string
 * (CDR filters carry phone numbers), status, time taken, and the caller's account and API key id;
 * never headers or bodies. The
 * liveness probe is not logged. Same fields and messages as pino-http gave, without its two
 * child loggers and three listeners per request: one shared listener, no per-request closure.
 */
export function requestLogger(logger: Logger, skipPath: string) {
  function onClose(this: TimedResponse): void {
    const req = this.req;
    const status = this.statusCode;
    const line: Record<string, unknown> = {
      req: { id: requestIdOf(req), method: req.method, path: pathOf(req.originalUrl) },
      res: { status },
      responseTime: Date.now() - this[STARTED_AT]!,
    };
    // Who called: the account and the key's id (never the key), or the session's id.
    const principal = (req as AppRequest).didhub?.principal;
    if (principal && 'accountId' in principal) line.account_id = principal.accountId;
    if (principal?.kind === 'api_key') line.api_key_id = principal.apiKeyId;
    if (status >= 500) {
      line.err = { message: `failed with status code ${status}` };
      logger.info(line, 'request errored');
    } else {
      logger.info(line, 'request completed');
    }
  }
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.url !== skipPath && logger.isLevelEnabled('info')) {
      (res as TimedResponse)[STARTED_AT] = Date.now();
      // 'close' fires once per response: a plain listener, without once()'s wrapper and removal.
      res.on('close', onClose);
    }
    next();
  };
}

function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}
