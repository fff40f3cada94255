import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import type { Logger } from 'pino';
import { Lifecycle } from './lifecycle';

/**
 * Shutdown in the order a load balancer needs: stop accepting connections and answer 503
 * (readiness included) at once, let in-flight requests finish within the grace period, cut
 * what is still open at its end (a long export ends without its final chunk, so it never looks
 * complete), and only then close Redis and the database. One log line per phase.
 */
export async function drainAndClose(app: INestApplication, graceSeconds: number, logger: Logger, reason: string): Promise<void> {
  app.get(Lifecycle).startDraining();
  const server = app.getHttpServer() as Server;
  logger.info({ reason, grace_seconds: graceSeconds }, 'shutdown: draining; new connections refused, readiness 503');
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // Keep-alive connections are closed as soon as they are between requests.
  const idleSweep = setInterval(() => server.closeIdleConnections(), 100);
  server.closeIdleConnections();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'deadline'>((resolve) => (timer = setTimeout(() => resolve('deadline'), graceSeconds * 1000)));
  const outcome = await Promise.race([closed.then(() => 'drained' as const), deadline]);
  clearTimeout(timer);
  clearInterval(idleSweep);
  if (outcome === 'deadline') {
    const open = await new Promise<number>((resolve) => server.getConnections((_e, n) => resolve(n ?? 0)));
    server.closeAllConnections();
    logger.warn({ connections: open }, 'shutdown: grace period over; remaining connections closed');
    await closed;
  } else {
    logger.info('shutdown: in-flight requests finished');
  }
  await app.close();
  logger.info('shutdown: redis and database closed; exiting');
}

/**
 * SIGTERM/SIGINT → drainAndClose → `afterClose` (flushing buffered traces) → exit 0 (1 if closing
 * failed). A second signal exits at once.
 */
export function exitOnSignals(app: INestApplication, graceSeconds: number, logger: Logger, afterClose?: () => Promise<void>): void {
  let started = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (started) {
      logger.warn({ signal }, 'shutdown: second signal; exiting now');
      process.exit(1);
    }
    started = true;
    drainAndClose(app, graceSeconds, logger, signal)
      .then(() => afterClose?.().catch(() => undefined))
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: { message: (error as Error)?.message } }, 'shutdown: closing failed');
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
