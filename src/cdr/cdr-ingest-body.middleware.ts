import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type RequestHandler } from 'express';
import type { AppConfig } from '../config/config.types';

export const CDR_INGEST_PATH = '/v1/admin/cdrs';
/** 10,000 CDRs are ~3-4 MB of JSON; the global limit stays small for everything else. */
export const CDR_INGEST_BODY_LIMIT_BYTES = 8 * 1024 * 1024;

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * A larger JSON parser for the CDR ingest route only, and only for requests carrying the
 * operator token, so an anonymous client cannot make the server parse 8 MiB. Anything else
 * falls through to the global parser and its normal limit; the guard still authenticates.
 */
export function cdrIngestBodyParser(config: Pick<AppConfig, 'adminApiToken'>): RequestHandler {
  const parse = express.json({ limit: CDR_INGEST_BODY_LIMIT_BYTES, strict: true });
  const expected = config.adminApiToken ? digest(`Bearer ${config.adminApiToken}`) : null;
  return (req, res, next) => {
    const header = req.headers.authorization;
    if (!expected || req.method !== 'POST' || !header || !timingSafeEqual(digest(header), expected)) return next();
    parse(req, res, next);
  };
}
