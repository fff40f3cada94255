import { Injectable } from '@nestjs/common';
import { AuthErrors } from './auth-errors';
import { AuthRepository } from './auth.repository';
import { LOCKOUT_SECONDS, MAX_FAILED_LOGINS, retryAfterSeconds } from './login.service';
import { PasswordHasher } from './password-hasher';

/**
 * Password checks for someone already signed in (password change, step-up, MFA changes). Wrong
 * guesses count toward the same lock-out as sign-in, so a stolen session cannot be used to guess
 * the password without limit.
 */
@Injectable()
export class PasswordAttempts {
  constructor(
    private readonly users: AuthRepository,
    private readonly hasher: PasswordHasher,
  ) {}

  /** True when `password` is the user's; 429 too_many_failed_logins while locked out. */
  async verify(userId: string, password: string, passwordHash: string | null): Promise<boolean> {
    const lockedUntil = await this.users.lockedUntilOf(userId);
    if (lockedUntil && lockedUntil.getTime() > Date.now()) {
      throw AuthErrors.tooManyFailedLogins(retryAfterSeconds(lockedUntil));
    }
    if (!(await this.hasher.verify(password, passwordHash))) {
      await this.users.recordFailedLogin(userId, MAX_FAILED_LOGINS, new Date(Date.now() + LOCKOUT_SECONDS * 1000));
      return false;
    }
    await this.users.clearFailedLogins(userId);
    return true;
  }
}
