import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { clientIp } from '../../platform/http/client-ip';
import { retryAfterSeconds } from '../../platform/http/retry-after';
import { AuthErrors } from './auth-errors';
import { AuthRepository } from './auth.repository';
import type { SignInResult } from './auth.responses';
import { ipOrigin, PasswordAttempts } from './password-attempts.service';
import { SignInService } from './sign-in.service';

@Injectable()
export class LoginService {
  constructor(
    private readonly users: AuthRepository,
    private readonly attempts: PasswordAttempts,
    private readonly signIn: SignInService,
  ) {}

  /**
   * Unknown address and wrong password look the same from outside: the same code, the same
   * bcrypt time, and the same lock-out after the same number of tries (the counters do not
   * depend on the address being registered). Verification and account state are revealed only
   * to someone who knows the password.
   */
  async login(email: string, password: string, req: Request, res: Response): Promise<SignInResult> {
    const user = await this.users.findLoginUser({ email });
    const check = await this.attempts.check(email, ipOrigin(clientIp(req)), password, user?.passwordHash ?? null);
    if (check.kind === 'locked') {
      await this.signIn.recordFailure(user?.id ?? null, 'password', user ? 'locked_out' : 'unknown_email', req);
      throw AuthErrors.tooManyFailedLogins(retryAfterSeconds(check.until));
    }
    if (!user || check.kind === 'wrong') {
      await this.signIn.recordFailure(user?.id ?? null, 'password', user ? 'invalid_password' : 'unknown_email', req);
      throw AuthErrors.invalidCredentials();
    }

    if (!user.emailVerifiedAt) {
      await this.signIn.recordFailure(user.id, 'password', 'email_not_verified', req);
      throw AuthErrors.emailNotVerified();
    }
    return this.signIn.signInUser(user, 'password', req, res);
  }
}
