import { createHash, randomBytes } from 'node:crypto';

/** 256 random bits, mailed once; only the hash is stored (the token is a bearer credential). */
export function newInvitationToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashInvitationToken(token: string): string {
  return createHash('sha256').update(`invitation:${token}`).digest('hex');
}
