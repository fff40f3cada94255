import { Injectable } from '@nestjs/common';
import { retryAfterSeconds } from '../common/http/retry-after';
import { AuthErrors } from './auth-errors';
import { AuthRepository } from './auth.repository';
import { PasswordHasher } from './password-hasher';

/** Consecutive wrong passwords that lock a user out, and for how long. */
export const MAX_FAILED_LOGINS = 5;
export const LOCKOUT_SECONDS = 15 * 60;

export type PasswordCheck = { kind: 'ok' } | { kind: 'wrong' } | { kind: 'locked'; until: Date };

/**
 * Every password check — sign-in and, for someone already signed in, password change, step-up
 * and MFA changes — counts wrong guesses toward one lock-out, so neither the sign-in form nor a
 * stolen session can be used to guess the password without limit.
 */
@Injectable()
export class PasswordAttempts {
  constructor(
    private readonly users: AuthRepository,
    private readonly hasher: PasswordHasher,
  ) {}

  /**
   * 'locked' without looking at the password while a lock-out runs; otherwise the result of the
   * comparison, counted. `lockedUntil` may be passed when the caller already read it (sign-in does).
   */
  async check(
    userId: string,
    password: string,
    passwordHash: string | null,
    lockedUntil?: Date | null,
    options: { resetOnSuccess?: boolean } = {},
  ): Promise<PasswordCheck> {
    const until = lockedUntil === undefined ? await this.users.lockedUntilOf(userId) : lockedUntil;
    if (until && until.getTime() > Date.now()) return { kind: 'locked', until };
    if (!(await this.hasher.verify(password, passwordHash))) {
      await this.users.recordFailedLogin(userId, MAX_FAILED_LOGINS, new Date(Date.now() + LOCKOUT_SECONDS * 1000));
      return { kind: 'wrong' };
    }
    if (options.resetOnSuccess !== false) await this.users.clearFailedLogins(userId);
    return { kind: 'ok' };
  }

  /**
   * For proofs of several factors (account closure: password and MFA code): a right password
   * does not reset the count until every factor passed (`clear`), so guessing the code after
   * the right password still ends in the lock-out.
   */
  async verifyFirstFactor(userId: string, password: string, passwordHash: string | null): Promise<boolean> {
    const result = await this.check(userId, password, passwordHash, undefined, { resetOnSuccess: false });
    if (result.kind === 'locked') throw AuthErrors.tooManyFailedLogins(retryAfterSeconds(result.until));
    return result.kind === 'ok';
  }

  /** A wrong second factor counts like a wrong password. */
  async recordWrongFactor(userId: string): Promise<void> {
    await this.users.recordFailedLogin(userId, MAX_FAILED_LOGINS, new Date(Date.now() + LOCKOUT_SECONDS * 1000));
  }

  clear(userId: string): Promise<void> {
    return this.users.clearFailedLogins(userId);
  }

  /** True when `password` is the user's; 429 too_many_failed_logins while locked out. */
  async verify(userId: string, password: string, passwordHash: string | null): Promise<boolean> {
    const result = await this.check(userId, password, passwordHash);
    if (result.kind === 'locked') throw AuthErrors.tooManyFailedLogins(retryAfterSeconds(result.until));
    return result.kind === 'ok';
  }
}
