import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AuthErrors } from './auth-errors';
import { AuthRepository } from './auth.repository';
import type { SignInResult } from './auth.responses';
import { PasswordHasher } from './password-hasher';
import { SignInService } from './sign-in.service';

/** Consecutive wrong passwords that lock a user out, and for how long. */
export const MAX_FAILED_LOGINS = 5;
export const LOCKOUT_SECONDS = 15 * 60;

export function retryAfterSeconds(until: Date, now = Date.now()): number {
  return Math.max(1, Math.ceil((until.getTime() - now) / 1000));
}

@Injectable()
export class LoginService {
  constructor(
    private readonly users: AuthRepository,
    private readonly hasher: PasswordHasher,
    private readonly signIn: SignInService,
  ) {}

  /**
   * Unknown address and wrong password look the same from outside (code and bcrypt time).
   * Verification and account state are revealed only to someone who knows the password.
   */
  async login(email: string, password: string, req: Request, res: Response): Promise<SignInResult> {
    const user = await this.users.findLoginUser({ email });
    if (!user) {
      await this.hasher.verifyNobody(password);
      await this.signIn.recordFailure(null, 'password', 'unknown_email', req);
      throw AuthErrors.invalidCredentials();
    }

    if (user.lockedUntil && user.lockedUntil.getTime() > Date.now()) {
      await this.signIn.recordFailure(user.id, 'password', 'locked_out', req);
      throw AuthErrors.tooManyFailedLogins(retryAfterSeconds(user.lockedUntil));
    }

    if (!(await this.hasher.verify(password, user.passwordHash))) {
      await this.users.recordFailedLogin(user.id, MAX_FAILED_LOGINS, new Date(Date.now() + LOCKOUT_SECONDS * 1000));
      await this.signIn.recordFailure(user.id, 'password', 'invalid_password', req);
      throw AuthErrors.invalidCredentials();
    }
    await this.users.clearFailedLogins(user.id);

    if (!user.emailVerifiedAt) {
      await this.signIn.recordFailure(user.id, 'password', 'email_not_verified', req);
      throw AuthErrors.emailNotVerified();
    }
    return this.signIn.signInUser(user, 'password', req, res);
  }
}
