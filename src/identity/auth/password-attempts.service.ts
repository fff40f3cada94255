import { Injectable } from '@nestjs/common';
import { KeyedHash } from '../../platform/crypto/keyed-hash';
import { retryAfterSeconds } from '../../platform/http/retry-after';
import { AuthErrors } from './auth-errors';
import { LoginThrottleRepository, type ThrottleKey } from './login-throttle.repository';
import { PasswordHasher } from './password-hasher';

/** Wrong passwords from one origin (client IP, or a signed-in session) for one address that lock that pair. */
export const MAX_FAILED_LOGINS = 5;
export const LOCKOUT_SECONDS = 15 * 60;
/** Wrong passwords for one address from all origins together, per window, before the address locks. */
export const MAX_FAILED_LOGINS_PER_ADDRESS = 50;
const WINDOW_MS = LOCKOUT_SECONDS * 1000;

export type PasswordCheck = { kind: 'ok' } | { kind: 'wrong' } | { kind: 'locked'; until: Date };

/**
 * Every password check — sign-in and, for someone already signed in, password change and
 * step-up — counts wrong guesses for known and unknown addresses alike, so the answers never
 * tell whether an address is registered (README, "Threat model"):
 * - per (address, origin): 5 wrong → that pair is locked for 15 minutes. A stranger guessing
 *   from their own IP locks only themselves out, never the owner at another IP.
 * - per address over all origins: 50 wrong in 15 minutes → the address is locked for 15 minutes.
 *   This bounds guessing spread over many IPs; locking a victim out that way takes dozens of
 *   addresses' worth of requests, each also held to the per-IP request budget.
 */
@Injectable()
export class PasswordAttempts {
  constructor(
    private readonly throttle: LoginThrottleRepository,
    private readonly hasher: PasswordHasher,
    private readonly keyedHash: KeyedHash,
  ) {}

  /**
   * 'locked' without looking at the password while a lock holds; otherwise the comparison,
   * counted. `passwordHash` null (unknown address, or no password) costs one bcrypt all the same.
   */
  async check(email: string, origin: string, password: string, passwordHash: string | null): Promise<PasswordCheck> {
    const { pair, address } = this.keys(email, origin);
    const now = new Date();
    const until = await this.throttle.lockedUntil([pair.key, address.key], now);
    if (until) return { kind: 'locked', until };
    const ok = passwordHash === null ? await this.hasher.verifyNobody(password) : await this.hasher.verify(password, passwordHash);
    if (!ok) {
      await this.throttle.recordFailure(pair, now, WINDOW_MS, MAX_FAILED_LOGINS, LOCKOUT_SECONDS * 1000);
      await this.throttle.recordFailure(address, now, WINDOW_MS, MAX_FAILED_LOGINS_PER_ADDRESS, LOCKOUT_SECONDS * 1000);
      return { kind: 'wrong' };
    }
    await this.throttle.clear(pair.key);
    return { kind: 'ok' };
  }

  /** True when `password` is the user's; 429 too_many_failed_logins while locked out. */
  async verify(user: { email: string; passwordHash: string | null }, origin: string, password: string): Promise<boolean> {
    const result = await this.check(user.email, origin, password, user.passwordHash);
    if (result.kind === 'locked') throw AuthErrors.tooManyFailedLogins(retryAfterSeconds(result.until));
    return result.kind === 'ok';
  }

  /** After a password reset (the mailbox is proven): every counter of the address starts again. */
  clearAddress(email: string): Promise<void> {
    return this.throttle.clearAddress(this.keys(email, '').address.addressKey);
  }

  private keys(email: string, origin: string): { pair: ThrottleKey; address: ThrottleKey } {
    const normalised = email.trim().toLowerCase();
    const addressKey = this.keyedHash.digest('login-throttle', `address:${normalised}`);
    return {
      pair: { key: this.keyedHash.digest('login-throttle', `pair:${normalised}|${origin}`), addressKey },
      address: { key: addressKey, addressKey },
    };
  }
}

/** The origin of a sign-in attempt: the client's IP. */
export function ipOrigin(ip: string | null): string {
  return `ip:${ip ?? 'unknown'}`;
}

/** The origin of a password check by someone signed in: their session (a stolen cookie gets 5 guesses). */
export function sessionOrigin(sessionId: string): string {
  return `session:${sessionId}`;
}
