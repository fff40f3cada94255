import { createHmac } from 'node:crypto';
import { randomBase62 } from '../../platform/ids/ids';

export const API_KEY_PREFIX = 'didhub_live_';
const SECRET_LENGTH = 40;
const CHECKSUM_LENGTH = 6;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const KEY_PATTERN = new RegExp(`^${API_KEY_PREFIX}[0-9A-Za-z]{${SECRET_LENGTH + CHECKSUM_LENGTH}}$`);

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(text: string): number {
  let crc = 0xffffffff;
  for (const byte of Buffer.from(text)) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** CRC32 of the random part in 6 base62 digits: lets a secret scanner recognise a real key offline. */
export function apiKeyChecksum(secret: string): string {
  let value = crc32(secret);
  let out = '';
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    out = BASE62[value % 62] + out;
    value = Math.floor(value / 62);
  }
  return out;
}

/** `didhub_live_` + 40 random base62 (≈238 bits) + 6-character checksum. */
export function generateApiKey(): string {
  const secret = randomBase62(SECRET_LENGTH);
  return `${API_KEY_PREFIX}${secret}${apiKeyChecksum(secret)}`;
}

export function isWellFormedApiKey(raw: string): boolean {
  if (!KEY_PATTERN.test(raw)) return false;
  const body = raw.slice(API_KEY_PREFIX.length);
  return apiKeyChecksum(body.slice(0, SECRET_LENGTH)) === body.slice(SECRET_LENGTH);
}

/**
 * Keyed hash under a unique index: one indexed lookup verifies a key, no slow hash per request.
 * The key has ~238 random bits, so a fast keyed hash is enough; the pepper keeps a leaked table useless.
 */
export function hashApiKey(raw: string, pepper: string): string {
  return createHmac('sha256', pepper).update(raw).digest('hex');
}

/** What the dashboard shows to tell keys apart. */
export function apiKeyDisplayPrefix(raw: string): string {
  return raw.slice(0, API_KEY_PREFIX.length + 6);
}
