import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** Methods whose requests carry no body the API reads: their parsers are skipped entirely. */
const BODYLESS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Runs a body parser only for methods that may carry a body (not GET, HEAD, OPTIONS). */
export function withBodyOnly(parser: RequestHandler): RequestHandler {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (BODYLESS.has(req.method)) next();
    else parser(req, res, next);
  };
}
