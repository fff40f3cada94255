import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { newId } from '../../platform/ids/ids';

export const SESSION_COOKIE = 'didhub_sid';

export interface SessionToken {
  sessionId: string;
  secret: string;
}

function sign(key: string, payload: string): string {
  return createHmac('sha256', key).update(`didhub_sid:${payload}`).digest('base64url');
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** A new session: id plus 256 random bits, of which the database keeps only a hash. */
export function newSessionToken(): SessionToken {
  return { sessionId: newId('session'), secret: randomBytes(32).toString('base64url') };
}

export function hashSessionSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function sessionSecretMatches(secret: string, storedHash: string): boolean {
  return safeEqual(hashSessionSecret(secret), storedHash);
}

/**
 * Cookie value `<session id>.<secret>.<hmac>`. The first SESSION_SECRET signs; every listed one
 * verifies, so secrets rotate without signing everybody out.
 */
export class SessionCookieCodec {
  constructor(private readonly keys: string[]) {}

  encode(token: SessionToken): string {
    const payload = `${token.sessionId}.${token.secret}`;
    return `${payload}.${sign(this.keys[0], payload)}`;
  }

  decode(value: string | undefined): SessionToken | null {
    if (!value || value.length > 256) return null;
    const parts = value.split('.');
    if (parts.length !== 3) return null;
    const [sessionId, secret, signature] = parts;
    const payload = `${sessionId}.${secret}`;
    let valid = false;
    for (const key of this.keys) valid = safeEqual(sign(key, payload), signature) || valid;
    return valid ? { sessionId, secret } : null;
  }
}

/** Reads one cookie from a Cookie header without a parser dependency. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) {
      try {
        return decodeURIComponent(part.slice(index + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
