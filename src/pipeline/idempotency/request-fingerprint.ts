import type { KeyedHash } from '../../platform/crypto/keyed-hash';

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';

/** 1–255 visible ASCII characters (no spaces, no control characters). */
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

export function isValidIdempotencyKey(value: string): boolean {
  return KEY_PATTERN.test(value);
}

export const IDEMPOTENT_METHODS = new Set(['POST', 'PATCH', 'DELETE']);

/**
 * JSON with object keys sorted at every depth, so `{"a":1,"b":2}` and `{"b":2,"a":1}` are the
 * same request. Arrays keep their order: order is meaningful there.
 */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return '';
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object' && !(value instanceof Date) && !Buffer.isBuffer(value)) {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
    return sorted;
  }
  return value;
}

export interface FingerprintInput {
  method: string;
  /** Path and query string as sent. */
  path: string;
  /** The parsed JSON body, or the raw bytes of a body that is not JSON (multipart). */
  body: unknown;
}

/**
 * What "the same request" means for a key: method, path and body, under an HMAC with a server
 * key. Bodies can hold passwords (reauthenticate, password change): an unkeyed hash of one
 * stored for 24 hours could be brute-forced from a copy of the database.
 */
export function requestFingerprint({ method, path, body }: FingerprintInput, keyedHash: KeyedHash): string {
  const hash = keyedHash.hmac('idempotency-fingerprint').update(method.toUpperCase()).update('\n').update(path).update('\n');
  if (Buffer.isBuffer(body)) hash.update('raw:').update(body);
  else hash.update('json:').update(canonicalJson(body));
  return hash.digest('hex');
}
