import { setTimeout as sleep } from 'node:timers/promises';
import type { DatabaseHandle } from './database';

/** A start-up failure that names what to fix; main.ts prints its message as the one line. */
export class DatabaseUnreachableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseUnreachableError';
  }
}

/** `host:port/database` of a PostgreSQL URL: never its user or password. */
export function describeDatabaseUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
}

/**
 * A container platform starts the API beside its database: PostgreSQL not answering yet is
 * retried with backoff (0.5 s doubling to 5 s) for `timeoutMs`, then start-up fails naming
 * DATABASE_URL. Only the error code is reported; the server's message can quote the user name.
 */
export async function waitForDatabase(handle: DatabaseHandle, databaseUrl: string, timeoutMs: number, onRetry: (code: string, delayMs: number) => void): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let delay = 500;
  for (;;) {
    try {
      await handle.query('SELECT 1');
      return;
    } catch (error) {
      const raw = (error as { code?: unknown } | null)?.code;
      const code = typeof raw === 'string' || typeof raw === 'number' ? String(raw) : error instanceof Error ? error.name : 'error';
      if (Date.now() + delay > deadline) {
        throw new DatabaseUnreachableError(
          `PostgreSQL at DATABASE_URL (${describeDatabaseUrl(databaseUrl)}) did not answer within ${Math.round(timeoutMs / 1000)} s (${code}); check DATABASE_URL and that the server is running`,
        );
      }
      onRetry(code, delay);
      await sleep(delay);
      delay = Math.min(delay * 2, 5000);
    }
  }
}
