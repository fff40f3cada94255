import pino, { type DestinationStream, type Logger } from 'pino';
import type { AppConfig } from '../../config/config.types';
import { prettyDestination } from './pretty-destination';
import { requestScope } from './request-scope';

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
  '*.code',
  '*.key',
  '*.secret',
  '*.mfa_token',
  '*.document_number',
];

export function createLogger(config: Pick<AppConfig, 'logLevel' | 'logFormat'>, destination?: DestinationStream): Logger {
  const out = destination ?? pino.destination(1);
  return pino(
    {
      level: config.logLevel,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { service: 'didhub-api' },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Every line written while a request is served names it (AsyncLocalStorage, set by requestId()).
      mixin: () => {
        const scope = requestScope.getStore();
        return scope ? { request_id: scope.requestId } : {};
      },
    },
    config.logFormat === 'pretty' ? prettyDestination(out) : out,
  );
}
