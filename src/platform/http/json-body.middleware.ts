import express, { type Request, type RequestHandler } from 'express';
import { ApiError } from '../errors/api-error';
import { toApiError } from '../errors/to-api-error';
import { InputErrors } from '../errors/input-errors';
import { parseJsonBody } from '../validation/json-gate';
import type { JsonLimits } from '../validation/json-limits';
import type { AppRequest } from '../request/request-context';

export const JSON_MEDIA_TYPE = 'application/json';

/** The media type of the request body, lower-cased, without parameters ('' when absent). */
export function mediaTypeOf(req: Request): string {
  const header = req.headers['content-type'];
  return header ? header.split(';', 1)[0].trim().toLowerCase() : '';
}

/** Whether the request carries a body (a zero Content-Length does not count). */
export function hasBody(req: Request): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const length = req.headers['content-length'];
  return length !== undefined && length !== '0';
}

function charsetOf(req: Request): string | null {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(req.headers['content-type'] ?? '');
  return match ? match[1].toLowerCase() : null;
}

/**
 * Reads an `application/json` body up to `maxBytes` and parses it through the JSON gate
 * (depth, keys, strings; see json-gate.ts). Other media types are left unread: the route decides
 * whether it takes them (RequestShapeGuard answers 415 otherwise). A compressed body is refused.
 *
 * A refusal is not sent from here: it is recorded on the request and raised by RequestShapeGuard
 * after authentication and throttling, so a refused body spends rate-limit budget and carries the
 * RateLimit headers like every other response. The body is then `undefined`, so nothing before
 * the guard (idempotency fingerprint) ever walks a hostile value.
 */
export function jsonBody(maxBytes: number, limits: JsonLimits): RequestHandler {
  const read = express.raw({ type: () => true, limit: maxBytes, inflate: false });
  return (req, res, next) => {
    const state = (req as AppRequest).didhub;
    if (!state || state.bodyRead || state.bodyError || !hasBody(req)) return next();
    const encoding = req.headers['content-encoding'];
    if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
      state.bodyError = InputErrors.unsupportedEncoding();
      return next();
    }
    if (mediaTypeOf(req) !== JSON_MEDIA_TYPE) return next();
    const charset = charsetOf(req);
    if (charset !== null && charset !== 'utf-8' && charset !== 'utf8') {
      state.bodyError = InputErrors.unsupportedCharset();
      return next();
    }
    state.bodyRead = true;
    read(req, res, (err?: unknown) => {
      const raw = req.body as unknown;
      req.body = undefined;
      if (err) {
        state.bodyError = parserError(err, maxBytes);
        return next();
      }
      try {
        req.body = Buffer.isBuffer(raw) && raw.length ? parseJsonBody(raw, limits) : undefined;
      } catch (error) {
        state.bodyError = error instanceof ApiError ? error : InputErrors.unreadableBody();
      }
      next();
    });
  };
}

function parserError(err: unknown, maxBytes: number): ApiError {
  const { error, known } = toApiError(err, maxBytes);
  return known ? error : InputErrors.unreadableBody();
}
