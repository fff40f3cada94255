import { createHash } from 'node:crypto';
import { randomBase62 } from '../../platform/ids/ids';

export const VERIFY_EMAIL_TTL_MS = 24 * 60 * 60 * 1000;
export const PASSWORD_RESET_TTL_MS = 60 * 60 * 1000;

/**
 * A mailed single-use token: 24 base62 characters (≈143 random bits); the database keeps only
 * its sha256. Short enough that the link line stays under 76 characters, so the mail goes out
 * as 7bit text rather than quoted-printable, which would split or escape the token.
 */
export function newEmailToken(): { token: string; tokenHash: string } {
  const token = randomBase62(24);
  return { token, tokenHash: hashEmailToken(token) };
}

export function hashEmailToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
