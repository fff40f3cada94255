import { randomBytes } from 'node:crypto';
import { parseEncryptionKeys } from '../config/config';
import type { EncryptionKey } from '../config/config.types';
import { DecryptionError } from './decryption-error';
import { EncryptionService, type EncryptionContext } from './encryption.service';

const keyA: EncryptionKey = { kid: 'key-a', key: randomBytes(32) };
const keyB: EncryptionKey = { kid: 'key_b', key: randomBytes(32) };
const ctx: EncryptionContext = { table: 'sip_gateways', rowId: '0b6f2c1e-7d1c-4a53-9a4b-8f7f3c2d1e00', field: 'password' };

function service(...keys: EncryptionKey[]): EncryptionService {
  return new EncryptionService({ encryptionKeys: keys });
}

function expectDecryptionError(fn: () => unknown, reason: DecryptionError['reason']): DecryptionError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(DecryptionError);
  expect((caught as DecryptionError).reason).toBe(reason);
  return caught as DecryptionError;
}

/** Flips one bit in the decoded bytes of a base64url part and re-encodes it canonically. */
function flipBit(part: string, byteIndex: number): string {
  const bytes = Buffer.from(part, 'base64url');
  bytes[byteIndex] ^= 0x01;
  return bytes.toString('base64url');
}

describe('EncryptionService', () => {
  const enc = service(keyA);

  describe('text values', () => {
    it('round-trips unicode and empty strings', () => {
      for (const plaintext of ['s3cret-pässwörd ☎', '', 'x'.repeat(10_000)]) {
        expect(enc.decryptString(enc.encryptString(plaintext, ctx), ctx)).toBe(plaintext);
      }
    });

    it('names the format version and key id and hides the plaintext', () => {
      const ciphertext = enc.encryptString('hunter2', ctx);
      expect(ciphertext).toMatch(/^v1\.key-a\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
      expect(ciphertext).not.toContain('hunter2');
      expect(enc.keyIdOf(ciphertext)).toBe('key-a');
    });

    it('gives a different ciphertext each time for the same plaintext', () => {
      const seen = new Set(Array.from({ length: 50 }, () => enc.encryptString('same', ctx)));
      expect(seen.size).toBe(50);
      const ivs = new Set([...seen].map((c) => c.split('.')[2]));
      expect(ivs.size).toBe(50);
    });

    it('refuses a ciphertext with a changed byte', () => {
      const [v, kid, iv, body] = enc.encryptString('hunter2', ctx).split('.');
      expectDecryptionError(() => enc.decryptString([v, kid, iv, flipBit(body, 0)].join('.'), ctx), 'authentication_failed');
    });

    it('refuses a ciphertext with a changed tag', () => {
      const [v, kid, iv, body] = enc.encryptString('hunter2', ctx).split('.');
      const lastByte = Buffer.from(body, 'base64url').length - 1;
      expectDecryptionError(() => enc.decryptString([v, kid, iv, flipBit(body, lastByte)].join('.'), ctx), 'authentication_failed');
    });

    it('refuses a ciphertext with a changed iv', () => {
      const [v, kid, iv, body] = enc.encryptString('hunter2', ctx).split('.');
      expectDecryptionError(() => enc.decryptString([v, kid, flipBit(iv, 11), body].join('.'), ctx), 'authentication_failed');
    });

    it('refuses a truncated tag or a non-canonical encoding as malformed', () => {
      const [v, kid, iv, body] = enc.encryptString('hunter2', ctx).split('.');
      const short = Buffer.from(body, 'base64url').subarray(0, 10).toString('base64url');
      expectDecryptionError(() => enc.decryptString([v, kid, iv, short].join('.'), ctx), 'malformed');
      // 23 body bytes take 31 characters with 2 spare bits; Node would decode a set spare bit
      // to the same bytes, so only the canonical-form check can notice the edit.
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      const sloppy = body.slice(0, -1) + alphabet[alphabet.indexOf(body.at(-1)!) ^ 1];
      expect(Buffer.from(sloppy, 'base64url').equals(Buffer.from(body, 'base64url'))).toBe(true);
      expectDecryptionError(() => enc.decryptString([v, kid, iv, sloppy].join('.'), ctx), 'malformed');
    });

    it.each(['', 'hunter2', 'v1.key-a', 'v2.key-a.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA', 'v1.key-a.A*AAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA', 'v1.key-a.AAAA.AAAAAAAAAAAAAAAAAAAAAA', 'v1.a.b.c.d'])(
      'refuses %p as malformed',
      (value) => {
        expectDecryptionError(() => enc.decryptString(value, ctx), 'malformed');
        expect(() => enc.keyIdOf(value)).toThrow(DecryptionError);
      },
    );

    it('refuses a value copied to another row', () => {
      const ciphertext = enc.encryptString('hunter2', ctx);
      const error = expectDecryptionError(
        () => enc.decryptString(ciphertext, { ...ctx, rowId: 'another-row' }),
        'authentication_failed',
      );
      expect(error.message).toContain('another-row');
      expect(error.message).not.toContain('hunter2');
    });

    it('refuses a value copied to another field or table', () => {
      const ciphertext = enc.encryptString('hunter2', ctx);
      expectDecryptionError(() => enc.decryptString(ciphertext, { ...ctx, field: 'username' }), 'authentication_failed');
      expectDecryptionError(() => enc.decryptString(ciphertext, { ...ctx, table: 'mfa_secrets' }), 'authentication_failed');
    });

    it('keeps row id and field apart even when the row id contains slashes', () => {
      const tricky = { table: 't', rowId: 'a/b', field: 'c' };
      const ciphertext = enc.encryptString('x', tricky);
      expectDecryptionError(() => enc.decryptString(ciphertext, { table: 't', rowId: 'a', field: 'b_c' }), 'authentication_failed');
      expect(() => enc.encryptString('x', { table: 't', rowId: 'a', field: 'b/c' })).toThrow(TypeError);
    });

    it('refuses to encrypt without a row id', () => {
      expect(() => enc.encryptString('x', { ...ctx, rowId: '' })).toThrow(TypeError);
    });
  });

  describe('binary values', () => {
    it('round-trips bytes, including an empty buffer and a Uint8Array view', () => {
      const big = randomBytes(256 * 1024);
      expect(enc.decryptBytes(enc.encryptBytes(big, ctx), ctx).equals(big)).toBe(true);
      expect(enc.decryptBytes(enc.encryptBytes(Buffer.alloc(0), ctx), ctx).length).toBe(0);
      const view = new Uint8Array(big.buffer, big.byteOffset + 10, 100);
      expect(enc.decryptBytes(enc.encryptBytes(view, ctx), ctx).equals(Buffer.from(view))).toBe(true);
    });

    it('starts with a small header naming the key and differs each time', () => {
      const plaintext = Buffer.from('%PDF-1.7 passport scan');
      const first = enc.encryptBytes(plaintext, ctx);
      const second = enc.encryptBytes(plaintext, ctx);
      expect(first.subarray(0, 4).toString('latin1')).toBe('DHE\x01');
      expect(first[4]).toBe(5);
      expect(first.subarray(5, 10).toString()).toBe('key-a');
      expect(first.length).toBe(10 + 12 + plaintext.length + 16);
      expect(first.equals(second)).toBe(false);
      expect(first.includes(plaintext)).toBe(false);
      expect(enc.keyIdOf(first)).toBe('key-a');
    });

    it('refuses any changed byte after the header', () => {
      const ciphertext = enc.encryptBytes(Buffer.from('document'), ctx);
      for (let i = 10; i < ciphertext.length; i++) {
        const tampered = Buffer.from(ciphertext);
        tampered[i] ^= 0x80;
        expectDecryptionError(() => enc.decryptBytes(tampered, ctx), 'authentication_failed');
      }
    });

    it('refuses a truncated or foreign blob as malformed', () => {
      const ciphertext = enc.encryptBytes(Buffer.from('document'), ctx);
      expectDecryptionError(() => enc.decryptBytes(ciphertext.subarray(0, 20), ctx), 'malformed');
      expectDecryptionError(() => enc.decryptBytes(Buffer.from('%PDF-1.7 plain file'), ctx), 'malformed');
      expectDecryptionError(() => enc.decryptBytes(Buffer.alloc(0), ctx), 'malformed');
    });

    it('refuses a blob moved to another row or field', () => {
      const ciphertext = enc.encryptBytes(Buffer.from('document'), ctx);
      expectDecryptionError(() => enc.decryptBytes(ciphertext, { ...ctx, rowId: 'other' }), 'authentication_failed');
      expectDecryptionError(() => enc.decryptBytes(ciphertext, { ...ctx, field: 'content' }), 'authentication_failed');
    });
  });

  describe('several keys', () => {
    const oldOnly = service(keyA);
    const rotated = service(keyB, keyA);

    it('encrypts with the first key and still decrypts values under an older key', () => {
      const old = oldOnly.encryptString('hunter2', ctx);
      const oldBlob = oldOnly.encryptBytes(Buffer.from('doc'), ctx);
      expect(rotated.decryptString(old, ctx)).toBe('hunter2');
      expect(rotated.decryptBytes(oldBlob, ctx).toString()).toBe('doc');
      const fresh = rotated.encryptString('hunter2', ctx);
      expect(rotated.keyIdOf(fresh)).toBe('key_b');
      expect(rotated.keyIdOf(rotated.encryptBytes(Buffer.from('doc'), ctx))).toBe('key_b');
    });

    it('says whether a value is under the current key', () => {
      expect(rotated.isCurrent(oldOnly.encryptString('x', ctx))).toBe(false);
      expect(rotated.isCurrent(rotated.encryptString('x', ctx))).toBe(true);
      expect(rotated.isCurrent(oldOnly.encryptBytes(Buffer.from('x'), ctx))).toBe(false);
      expect(rotated.isCurrent(rotated.encryptBytes(Buffer.from('x'), ctx))).toBe(true);
      expect(oldOnly.isCurrent(oldOnly.encryptString('x', ctx))).toBe(true);
    });

    it('refuses an unknown key id, naming the id but not the key', () => {
      const fromB = rotated.encryptString('hunter2', ctx);
      const error = expectDecryptionError(() => oldOnly.decryptString(fromB, ctx), 'unknown_key');
      expect(error.kid).toBe('key_b');
      expect(error.message).toContain('"key_b"');
      expect(error.message).not.toContain(keyB.key.toString('base64'));
      expectDecryptionError(() => oldOnly.decryptBytes(rotated.encryptBytes(Buffer.from('d'), ctx), ctx), 'unknown_key');
    });

    it('refuses a value whose key id was swapped for another configured key', () => {
      const [v, , iv, body] = rotated.encryptString('hunter2', ctx).split('.');
      expectDecryptionError(() => rotated.decryptString([v, 'key-a', iv, body].join('.'), ctx), 'authentication_failed');
    });

    it('works with keys parsed from ENCRYPTION_KEYS', () => {
      const raw = `new:${randomBytes(32).toString('base64')},old:${randomBytes(32).toString('base64')}`;
      const fromConfig = service(...parseEncryptionKeys(raw));
      expect(fromConfig.currentKeyId).toBe('new');
      expect(fromConfig.currentPrefix('text')).toBe('v1.new.');
      expect(fromConfig.encryptString('x', ctx).startsWith(fromConfig.currentPrefix('text'))).toBe(true);
      expect(fromConfig.encryptBytes(Buffer.from('x'), ctx).subarray(0, 8).equals(fromConfig.currentPrefix('bytea'))).toBe(true);
    });
  });

  it('refuses an empty key list or a short key at construction', () => {
    expect(() => service()).toThrow('at least one encryption key');
    expect(() => service({ kid: 'k', key: randomBytes(16) })).toThrow('32 bytes');
  });
});
