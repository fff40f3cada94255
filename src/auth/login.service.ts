import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AuthErrors } from './auth-errors';
import { AuthRepository } from './auth.repository';
import type { SignInResult } from './auth.responses';
import { retryAfterSeconds } from '../common/http/retry-after';
import { PasswordAttempts } from './password-attempts.service';
import { PasswordHasher } from './password-hasher';
import { SignInService } from './sign-in.service';

@Injectable()
export class LoginService {
  constructor(
    private readonly users: AuthRepository,
    private readonly hasher: PasswordHasher,
    private readonly attempts: PasswordAttempts,
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

    const check = await this.attempts.check(user.id, password, user.passwordHash, user.lockedUntil);
    if (check.kind === 'locked') {
      await this.signIn.recordFailure(user.id, 'password', 'locked_out', req);
      throw AuthErrors.tooManyFailedLogins(retryAfterSeconds(check.until));
    }
    if (check.kind === 'wrong') {
      await this.signIn.recordFailure(user.id, 'password', 'invalid_password', req);
      throw AuthErrors.invalidCredentials();
    }

    if (!user.emailVerifiedAt) {
      await this.signIn.recordFailure(user.id, 'password', 'email_not_verified', req);
      throw AuthErrors.emailNotVerified();
    }
    return this.signIn.signInUser(user, 'password', req, res);
  }
}
