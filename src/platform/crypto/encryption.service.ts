import { Inject, Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig, EncryptionKey } from '../config/config.types';
import { DecryptionError } from './decryption-error';

/** Where a value lives; bound into every ciphertext so it cannot be moved to another row or field. */
export interface EncryptionContext {
  table: string;
  rowId: string;
  field: string;
}

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
// No '/' in table or field names keeps the AAD string unambiguous whatever the row id holds.
const NAME_PATTERN = /^[A-Za-z0-9_.-]{1,128}$/;
const B64URL_PATTERN = /^[A-Za-z0-9_-]*$/;
// "DHE" + format version 1; lets a reader tell an encrypted blob from a stray plaintext one.
const BINARY_MAGIC = Buffer.from([0x44, 0x48, 0x45, 0x01]);

interface Sealed {
  kid: string;
  iv: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

/**
 * AES-256-GCM for values stored at rest. Text columns hold `v1.<kid>.<iv>.<ciphertext+tag>`
 * (base64url parts); bytea columns hold `DHE\x01 <kid length> <kid> <iv> <ciphertext> <tag>`.
 * The first configured key encrypts; every configured key decrypts.
 */
@Injectable()
export class EncryptionService {
  private readonly keys: Map<string, KeyObject>;
  private readonly currentKid: string;

  constructor(@Inject(APP_CONFIG) config: Pick<AppConfig, 'encryptionKeys'>) {
    this.keys = toKeyMap(config.encryptionKeys);
    this.currentKid = config.encryptionKeys[0].kid;
  }

  get currentKeyId(): string {
    return this.currentKid;
  }

  encryptString(plaintext: string, ctx: EncryptionContext): string {
    const sealed = this.seal(Buffer.from(plaintext, 'utf8'), ctx);
    const body = Buffer.concat([sealed.ciphertext, sealed.tag]);
    return [VERSION, sealed.kid, sealed.iv.toString('base64url'), body.toString('base64url')].join('.');
  }

  decryptString(ciphertext: string, ctx: EncryptionContext): string {
    return this.open(parseText(ciphertext), ctx).toString('utf8');
  }

  encryptBytes(plaintext: Uint8Array, ctx: EncryptionContext): Buffer {
    const sealed = this.seal(Buffer.from(plaintext.buffer, plaintext.byteOffset, plaintext.byteLength), ctx);
    const kid = Buffer.from(sealed.kid, 'ascii');
    return Buffer.concat([BINARY_MAGIC, Buffer.from([kid.length]), kid, sealed.iv, sealed.ciphertext, sealed.tag]);
  }

  decryptBytes(ciphertext: Uint8Array, ctx: EncryptionContext): Buffer {
    return this.open(parseBinary(ciphertext), ctx);
  }

  /** The key id a stored value names; throws DecryptionError if it is not one of ours. */
  keyIdOf(ciphertext: string | Uint8Array): string {
    return (typeof ciphertext === 'string' ? parseText(ciphertext) : parseBinary(ciphertext)).kid;
  }

  /** True when the value is already under the key that encrypts today (rotation skips it). */
  isCurrent(ciphertext: string | Uint8Array): boolean {
    return this.keyIdOf(ciphertext) === this.currentKid;
  }

  /**
   * The leading bytes every current-key ciphertext starts with, so a database query can skip
   * rows that need no rotation without shipping large blobs to the application.
   */
  currentPrefix(kind: 'text'): string;
  currentPrefix(kind: 'bytea'): Buffer;
  currentPrefix(kind: 'text' | 'bytea'): string | Buffer {
    if (kind === 'text') return `${VERSION}.${this.currentKid}.`;
    const kid = Buffer.from(this.currentKid, 'ascii');
    return Buffer.concat([BINARY_MAGIC, Buffer.from([kid.length]), kid]);
  }

  private seal(plaintext: Buffer, ctx: EncryptionContext): Sealed {
    const kid = this.currentKid;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(kid)!, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(additionalData(kid, ctx));
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return { kid, iv, ciphertext, tag: cipher.getAuthTag() };
  }

  private open(sealed: Sealed, ctx: EncryptionContext): Buffer {
    const key = this.keys.get(sealed.kid);
    if (!key) {
      throw new DecryptionError(
        'unknown_key',
        `value in ${ctx.table}.${ctx.field} is encrypted under key "${sealed.kid}", which is not configured`,
        sealed.kid,
      );
    }
    const aad = additionalData(sealed.kid, ctx);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(aad);
      decipher.setAuthTag(sealed.tag);
      return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]);
    } catch {
      throw new DecryptionError(
        'authentication_failed',
        `value in ${ctx.table}.${ctx.field} of row ${ctx.rowId} failed authentication ` +
          `(tampered, or copied from another row or field)`,
        sealed.kid,
      );
    }
  }
}

function toKeyMap(keys: EncryptionKey[]): Map<string, KeyObject> {
  if (keys.length === 0) throw new Error('at least one encryption key is required');
  const map = new Map<string, KeyObject>();
  for (const { kid, key } of keys) {
    if (!KID_PATTERN.test(kid)) throw new Error(`encryption key id "${kid}" is not valid`);
    if (key.length !== 32) throw new Error(`encryption key "${kid}" must be 32 bytes`);
    if (map.has(kid)) throw new Error(`encryption key id "${kid}" is configured twice`);
    map.set(kid, createSecretKey(key));
  }
  return map;
}

function additionalData(kid: string, ctx: EncryptionContext): Buffer {
  if (!NAME_PATTERN.test(ctx.table) || !NAME_PATTERN.test(ctx.field)) {
    throw new TypeError('encryption context table and field must be plain identifiers');
  }
  if (typeof ctx.rowId !== 'string' || ctx.rowId.length === 0) {
    throw new TypeError('encryption context needs a row id');
  }
  return Buffer.from(`${VERSION}/${kid}/${ctx.table}/${ctx.rowId}/${ctx.field}`, 'utf8');
}

function malformed(what: string): DecryptionError {
  return new DecryptionError('malformed', `stored value is not a ${what} ciphertext`);
}

function decodeB64url(part: string): Buffer | null {
  if (!B64URL_PATTERN.test(part)) return null;
  const bytes = Buffer.from(part, 'base64url');
  // Node ignores stray trailing bits; insisting on the canonical form means any edit is caught
  // here or by the tag, never silently decoded to the same bytes.
  return bytes.toString('base64url') === part ? bytes : null;
}

function parseText(value: string): Sealed {
  if (typeof value !== 'string') throw malformed('text');
  const parts = value.split('.');
  if (parts.length !== 4 || parts[0] !== VERSION || !KID_PATTERN.test(parts[1])) throw malformed('text');
  const iv = decodeB64url(parts[2]);
  const body = decodeB64url(parts[3]);
  if (!iv || iv.length !== IV_BYTES || !body || body.length < TAG_BYTES) throw malformed('text');
  return {
    kid: parts[1],
    iv,
    ciphertext: body.subarray(0, body.length - TAG_BYTES),
    tag: body.subarray(body.length - TAG_BYTES),
  };
}

function parseBinary(value: Uint8Array): Sealed {
  if (!(value instanceof Uint8Array)) throw malformed('binary');
  const buf = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  const headerEnd = BINARY_MAGIC.length + 1;
  if (buf.length < headerEnd || !buf.subarray(0, BINARY_MAGIC.length).equals(BINARY_MAGIC)) {
    throw malformed('binary');
  }
  const kidEnd = headerEnd + buf[BINARY_MAGIC.length];
  if (buf.length < kidEnd + IV_BYTES + TAG_BYTES) throw malformed('binary');
  const kid = buf.subarray(headerEnd, kidEnd).toString('latin1');
  if (!KID_PATTERN.test(kid)) throw malformed('binary');
  return {
    kid,
    iv: buf.subarray(kidEnd, kidEnd + IV_BYTES),
    ciphertext: buf.subarray(kidEnd + IV_BYTES, buf.length - TAG_BYTES),
    tag: buf.subarray(buf.length - TAG_BYTES),
  };
}
