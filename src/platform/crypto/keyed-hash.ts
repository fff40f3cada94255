import { createHmac, type Hmac } from 'node:crypto';

/** Each use gets a key of its own, so a digest made for one never matches one made for another. */
export type KeyedHashPurpose = 'recovery-code' | 'idempotency-fingerprint' | 'login-throttle';

/**
 * HMAC-SHA256 under keys derived from the server's API_KEY_PEPPER (required in production), for
 * values that must be found again but must not be recoverable from a copy of the database: an
 * unkeyed hash of a short code or of a body holding a password can be brute-forced offline.
 * Changing the pepper invalidates every digest (recovery codes must then be regenerated).
 */
export class KeyedHash {
  private readonly keys = new Map<KeyedHashPurpose, Buffer>();

  constructor(private readonly pepper: string) {}

  digest(purpose: KeyedHashPurpose, value: string): string {
    return this.hmac(purpose).update(value).digest('hex');
  }

  /** For values fed in parts (a method, a path and a body). */
  hmac(purpose: KeyedHashPurpose): Hmac {
    return createHmac('sha256', this.keyFor(purpose));
  }

  private keyFor(purpose: KeyedHashPurpose): Buffer {
    let key = this.keys.get(purpose);
    if (!key) {
      key = createHmac('sha256', this.pepper).update(`didhub-keyed-hash:${purpose}`).digest();
      this.keys.set(purpose, key);
    }
    return key;
  }
}
