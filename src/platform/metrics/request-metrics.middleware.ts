import type { NextFunction, Request, Response } from 'express';
import type { Metrics } from './metrics';

const STARTED_AT = Symbol('didhub.metricsStartedAt');
type TimedResponse = Response & { [STARTED_AT]?: bigint };

/**
 * Counts and times every answered request by route template (`/v1/cdrs/:id`, set by the router
 * once a route matched; `unmatched` otherwise, so unknown paths cannot grow the label set).
 */
export function requestMetrics(metrics: Metrics) {
  function onClose(this: TimedResponse): void {
    const req = this.req as Request & { route?: { path?: unknown } };
    const path = (req.route as { path?: unknown } | undefined)?.path;
    const template = typeof path === 'string' ? `${req.baseUrl}${path}` : 'unmatched';
    const labels = { method: req.method, route: template, status: String(this.statusCode) };
    metrics.httpRequests.inc(labels);
    metrics.httpDuration.observe(labels, Number(process.hrtime.bigint() - this[STARTED_AT]!) / 1e9);
  }
  return (_req: Request, res: Response, next: NextFunction): void => {
    (res as TimedResponse)[STARTED_AT] = process.hrtime.bigint();
    res.on('close', onClose);
    next();
  };
}
