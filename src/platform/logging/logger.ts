import pino, { type DestinationStream, type Logger } from 'pino';
import type { AppConfig } from '../config/config.types';
import { prettyDestination } from './pretty-destination';
import { requestScope } from '../request/request-scope';

export const APP_LOGGER = Symbol('APP_LOGGER');

/**
 * Credentials and personal data never reach the logs: headers carrying them are censored,
 * bodies are never logged, and request URLs are logged without their query string (CDR
 * filters carry phone numbers).
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["idempotency-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.new_password',
  '*.current_password',
  '*.token',
  // MFA codes by the names they travel under; a bare `code` is an error code and stays readable.
  '*.totp_code',
  '*.mfa_code',
  '*.backup_code',
  'body.code',
  '*.body.code',
  '*.key',
  '*.secret',
  '*.mfa_token',
  '*.document_number',
];

/**
 * The server's stdout: lines are written in blocks of up to 4 KiB, and at least every second
 * and at exit, so a busy server makes one write() per block rather than one per request (a
 * system call costs as much as the rest of a log line). The price: a process killed outright
 * (SIGKILL, out of memory) can lose its last second of lines. One per process.
 */
const LOG_BUFFER_BYTES = 4096;
const LOG_FLUSH_INTERVAL_MS = 1000;
let stdoutBuffered: ReturnType<typeof pino.destination> | null = null;

export function bufferedStdout(): DestinationStream {
  if (!stdoutBuffered) {
    const out = pino.destination({ dest: 1, minLength: LOG_BUFFER_BYTES, sync: true });
    stdoutBuffered = out;
    setInterval(flushLogs, LOG_FLUSH_INTERVAL_MS).unref();
    process.once('exit', flushLogs);
  }
  return stdoutBuffered;
}

/** Writes out what bufferedStdout() holds (after the start-up line, before exiting). */
export function flushLogs(): void {
  try {
    stdoutBuffered?.flushSync();
  } catch {
    // stdout closed or not ready: nothing more can be written anyway.
  }
}

export function createLogger(config: Pick<AppConfig, 'logLevel' | 'logFormat'>, destination?: DestinationStream): Logger {
  const out = destination ?? pino.destination(1);
  return pino(
    {
      level: config.logLevel,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { service: 'didhub-api' },
      timestamp: pino.stdTimeFunctions.isoTime,
      // "level":"info", not 30: log platforms and people read the name.
      formatters: { level: (label) => ({ level: label }) },
      // Every line written while a request is served names it (AsyncLocalStorage, set by requestId()).
      mixin: () => {
        const scope = requestScope.getStore();
        return scope ? { request_id: scope.requestId } : {};
      },
    },
    config.logFormat === 'pretty' ? prettyDestination(out) : out,
  );
}
