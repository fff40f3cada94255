import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * Helmet's headers, worked out once: helmet with CSP off sets the same constant headers on
 * every response, so its middleware is run once against a recorder at start-up and each
 * request then gets the recorded list (and the same removals) in one loop instead of a dozen
 * nested middleware calls.
 */
export function precomputedHeaders(middleware: RequestHandler): RequestHandler {
  const set: [string, string | string[]][] = [];
  const removed: string[] = [];
  const recorder = {
    setHeader(name: string, value: string | string[]) {
      set.push([name, value]);
      return recorder;
    },
    removeHeader(name: string) {
      removed.push(name);
    },
  };
  let called = false;
  middleware({ headers: {}, method: 'GET', url: '/' } as IncomingMessage as Request, recorder as unknown as ServerResponse as Response, (err?: unknown) => {
    if (err) throw err instanceof Error ? err : new Error('security headers middleware failed');
    called = true;
  });
  // A middleware that went asynchronous or skipped next() would not be reproduced faithfully.
  if (!called || set.length === 0) throw new Error('security headers could not be precomputed');
  return (_req: Request, res: Response, next: NextFunction): void => {
    for (let i = 0; i < set.length; i++) res.setHeader(set[i][0], set[i][1]);
    for (let i = 0; i < removed.length; i++) res.removeHeader(removed[i]);
    next();
  };
}
