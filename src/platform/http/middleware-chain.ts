import type { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * Runs Express middleware functions in order as one router layer. Express 5's router matches
 * the path, processes parameters and trims prefixes for every layer of every request; the
 * app's own steps before routing (request id, drain refusal, HTTPS check, access log, headers,
 * CORS, body gate) cost one layer instead of eight. An error, or a middleware that answers
 * without calling next(), ends the chain exactly as it would end Express's.
 */
export function middlewareChain(handlers: readonly RequestHandler[]): RequestHandler {
  const count = handlers.length;
  return (req: Request, res: Response, done: NextFunction): void => {
    let index = 0;
    const next = (err?: unknown): void => {
      if (err !== undefined && err !== null) {
        done(err);
        return;
      }
      if (index === count) {
        done();
        return;
      }
      const handler = handlers[index++];
      try {
        handler(req, res, next);
      } catch (error) {
        done(error);
      }
    };
    next();
  };
}

/**
 * `handler` for the URLs under `prefix` (the path itself, or below it), matched like Express's
 * `app.use(prefix, ...)`: case-insensitively and on a segment boundary. Other URLs pass on.
 */
export function underPath(prefix: string, handler: RequestHandler): RequestHandler {
  const lower = prefix.toLowerCase();
  const length = prefix.length;
  return (req: Request, res: Response, next: NextFunction): void => {
    const url = req.url;
    const boundary = url.length === length ? '' : url[length];
    if ((boundary === '' || boundary === '/' || boundary === '?') && url.slice(0, length).toLowerCase() === lower) handler(req, res, next);
    else next();
  };
}
