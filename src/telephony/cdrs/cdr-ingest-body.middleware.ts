import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { jsonBody } from '../../platform/http/json-body.middleware';
import type { JsonLimits } from '../../platform/validation/json-limits';
import type { AppConfig } from '../../platform/config/config.types';

export const CDR_INGEST_PATH = '/v1/admin/cdrs';
/** 10,000 CDRs are ~3-4 MB of JSON; the global limit stays small for everything else. */
export const CDR_INGEST_BODY_LIMIT_BYTES = 8 * 1024 * 1024;
/** {"cdrs":[{...16 fields}, ...]} for up to 10,000 records; no field is long or nested. */
const CDR_INGEST_JSON_LIMITS: JsonLimits = {
  maxDepth: 4,
  maxKeysPerObject: 100,
  maxNodes: 500_000,
  maxStringLength: 1_000,
  maxKeyLength: 100,
};

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * A larger JSON parser for the CDR ingest route only, and only for requests carrying the
 * operator token, so an anonymous client cannot make the server parse 8 MiB. Anything else
 * falls through to the global parser and its normal limit; the guard still authenticates.
 */
export function cdrIngestBodyParser(config: Pick<AppConfig, 'adminApiToken'>): RequestHandler {
  const parse = jsonBody(CDR_INGEST_BODY_LIMIT_BYTES, CDR_INGEST_JSON_LIMITS);
  const expected = config.adminApiToken ? digest(`Bearer ${config.adminApiToken}`) : null;
  return (req, res, next) => {
    const header = req.headers.authorization;
    if (!expected || req.method !== 'POST' || !header || !timingSafeEqual(digest(header), expected)) return next();
    parse(req, res, next);
  };
}
