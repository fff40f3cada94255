import { createHmac, timingSafeEqual } from 'node:crypto';
import { CommonErrors } from '../errors/common-errors';

/**
 * Opaque keyset cursors: the last row's sort key, base64url JSON plus an HMAC tag so a client
 * cannot forge or edit one (a tampered cursor is a 400, never a query on attacker values).
 * `scope` ties a cursor to its list, so one list's cursor is refused by another.
 */
export class CursorCodec {
  constructor(private readonly secret: string) {}

  encode(scope: string, key: unknown[]): string {
    const payload = Buffer.from(JSON.stringify(key)).toString('base64url');
    return `${payload}.${this.tag(scope, payload)}`;
  }

  decode(scope: string, cursor: string): unknown[] {
    const [payload, tag, extra] = cursor.split('.');
    if (!payload || !tag || extra !== undefined) throw CommonErrors.invalidCursor();
    const expected = Buffer.from(this.tag(scope, payload));
    const given = Buffer.from(tag);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw CommonErrors.invalidCursor();
    try {
      const key: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      if (!Array.isArray(key)) throw new Error('not an array');
      return key;
    } catch {
      throw CommonErrors.invalidCursor();
    }
  }

  /** The common case: a list ordered by (timestamp, id). */
  encodePosition(scope: string, at: Date, id: string): string {
    return this.encode(scope, [at.toISOString(), id]);
  }

  decodePosition(scope: string, cursor: string): { at: Date; id: string } {
    const [at, id] = this.decode(scope, cursor);
    const date = typeof at === 'string' ? new Date(at) : null;
    if (!date || Number.isNaN(date.getTime()) || typeof id !== 'string') throw CommonErrors.invalidCursor();
    return { at: date, id };
  }

  private tag(scope: string, payload: string): string {
    return createHmac('sha256', this.secret).update(`cursor:${scope}:${payload}`).digest('base64url').slice(0, 22);
  }
}
