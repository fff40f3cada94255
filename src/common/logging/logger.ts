import pino, { type DestinationStream, type Logger } from 'pino';
import type { AppConfig } from '../../config/config.types';

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

export function createLogger(config: Pick<AppConfig, 'logLevel'>, destination?: DestinationStream): Logger {
  return pino(
    {
      level: config.logLevel,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { service: 'didhub-api' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination ?? pino.destination(1),
  );
}
