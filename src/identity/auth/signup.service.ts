import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { newId } from '../../platform/ids/ids';
import { AuthErrors } from './auth-errors';
import { AuthMailer } from './auth-mailer';
import { AuthRepository } from './auth.repository';
import type { SignInResult } from './auth.responses';
import { hashEmailToken, newEmailToken, VERIFY_EMAIL_TTL_MS } from './email-token';
import { PasswordHasher } from './password-hasher';
import { passwordWeakness } from './password-policy';
import { SignInService } from './sign-in.service';

export interface SignupInput {
  email: string;
  password: string;
  name: string;
  accountName: string;
}

@Injectable()
export class SignupService {
  constructor(
    private readonly users: AuthRepository,
    private readonly hasher: PasswordHasher,
    private readonly mailer: AuthMailer,
    private readonly signIn: SignInService,
  ) {}

  /**
   * Same answer whether or not the address is registered; the difference goes to the mailbox
   * only. The password is hashed on both paths so the time taken does not tell either.
   */
  async signup(input: SignupInput): Promise<void> {
    const weakness = passwordWeakness(input.password, input.email);
    if (weakness) throw AuthErrors.weakPassword('password', weakness);
    const passwordHash = await this.hasher.hash(input.password);

    const existing = await this.users.emailExists(input.email);
    if (existing) {
      await this.mailExistingUser(input.email, existing);
      return;
    }
    const userId = newId('user');
    const accountId = newId('account');
    const { token, tokenHash } = newEmailToken();
    const created = await this.users.createSignup({
      userId,
      email: input.email,
      name: input.name,
      passwordHash,
      accountId,
      accountName: input.accountName,
      membershipId: newId('membership'),
      token: {
        id: newId('emailToken'),
        purpose: 'verify_email',
        tokenHash,
        userId,
        accountId,
        expiresAt: new Date(Date.now() + VERIFY_EMAIL_TTL_MS),
      },
    });
    if (!created) {
      // Lost a race with a concurrent sign-up of the same address.
      const winner = await this.users.emailExists(input.email);
      if (winner) await this.mailExistingUser(input.email, winner);
      return;
    }
    await this.mailer.verifyEmail(input.email, token);
  }

  async verifyEmail(token: string, req: Request, res: Response): Promise<SignInResult> {
    const row = await this.users.findEmailToken(hashEmailToken(token), 'verify_email');
    const now = new Date();
    if (!row || !row.userId) {
      await this.signIn.recordFailure(null, 'verify_email', 'token_invalid', req);
      throw AuthErrors.tokenInvalid();
    }
    if (row.usedAt || row.expiresAt <= now || !(await this.users.verifyEmail(row.id, row.userId, now))) {
      await this.signIn.recordFailure(row.userId, 'verify_email', row.usedAt ? 'token_used' : 'token_expired', req);
      throw AuthErrors.tokenInvalid();
    }
    const user = await this.users.findLoginUser({ id: row.userId });
    if (!user) throw AuthErrors.tokenInvalid();
    return this.signIn.signInUser(user, 'verify_email', req, res, row.accountId);
  }

  /** An unverified owner who signs up again gets a fresh verification link with the notice. */
  private async mailExistingUser(email: string, user: { id: string; verified: boolean; defaultAccountId: string | null }): Promise<void> {
    let verifyToken: string | null = null;
    if (!user.verified) {
      const fresh = newEmailToken();
      await this.users.createEmailToken({
        id: newId('emailToken'),
        purpose: 'verify_email',
        tokenHash: fresh.tokenHash,
        userId: user.id,
        accountId: user.defaultAccountId,
        expiresAt: new Date(Date.now() + VERIFY_EMAIL_TTL_MS),
      });
      verifyToken = fresh.token;
    }
    await this.mailer.alreadyRegistered(email, verifyToken);
  }
}
