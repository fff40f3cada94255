import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { APP_LOGGER } from '../../platform/logging/logger';
import { newId } from '../../platform/ids/ids';
import { AuthErrors } from './auth-errors';
import { AuthMailer } from './auth-mailer';
import { AuthRepository } from './auth.repository';
import type { SignInResult } from './auth.responses';
import { hashEmailToken, newEmailToken, PASSWORD_RESET_TTL_MS } from './email-token';
import { PasswordAttempts, sessionOrigin } from './password-attempts.service';
import { PasswordHasher } from './password-hasher';
import { passwordWeakness } from './password-policy';
import { SignInService } from './sign-in.service';

@Injectable()
export class PasswordService implements OnModuleDestroy {
  /** Forgot-password work still running after its 202 went out. */
  private readonly pending = new Set<Promise<void>>();

  constructor(
    @Inject(APP_LOGGER) private readonly logger: Logger,
    private readonly users: AuthRepository,
    private readonly hasher: PasswordHasher,
    private readonly attempts: PasswordAttempts,
    private readonly mailer: AuthMailer,
    private readonly signIn: SignInService,
  ) {}

  /** Keeps the session that asked and revokes every other one. */
  async change(userId: string, sessionId: string, currentPassword: string, newPassword: string): Promise<number> {
    const user = await this.users.passwordHashOf(userId);
    if (!user || !(await this.attempts.verify(user, sessionOrigin(sessionId), currentPassword))) {
      throw AuthErrors.currentPasswordIncorrect();
    }
    this.checkNewPassword(newPassword, user.email);
    if (currentPassword === newPassword) {
      throw AuthErrors.weakPassword('new_password', 'must differ from the current password.');
    }
    return this.users.changePassword(userId, await this.hasher.hash(newPassword), sessionId, new Date());
  }

  /**
   * Runs the look-up, token and mail in the background (the controller calls it once the 202 is
   * out), so the request does the same work and takes the same time whether or not the address
   * is registered.
   */
  forgot(email: string): void {
    const task = this.mailResetLink(email)
      .catch((error: unknown) => {
        // Neither the address nor the error text (which may quote it) is logged.
        this.logger.error({ code: (error as { code?: unknown })?.code ?? null }, 'password reset mail failed');
      })
      .finally(() => this.pending.delete(task));
    this.pending.add(task);
  }

  /** Shutdown lets queued reset mails finish rather than dropping them. */
  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  /** Mails a one-hour reset link when the address is registered. */
  private async mailResetLink(email: string): Promise<void> {
    const user = await this.users.emailExists(email);
    if (!user) return;
    const { token, tokenHash } = newEmailToken();
    await this.users.createEmailToken({
      id: newId('emailToken'),
      purpose: 'password_reset',
      tokenHash,
      userId: user.id,
      accountId: null,
      expiresAt: new Date(Date.now() + PASSWORD_RESET_TTL_MS),
    });
    await this.mailer.passwordReset(email, token);
  }

  /**
   * Sets the new password and revokes every session (whoever had one may be the reason for the
   * reset), then signs in like any other first factor — so with MFA on the answer is mfa_required.
   */
  async reset(token: string, newPassword: string, req: Request, res: Response): Promise<SignInResult> {
    const row = await this.users.findEmailToken(hashEmailToken(token), 'password_reset');
    const now = new Date();
    if (!row || !row.userId) {
      await this.signIn.recordFailure(null, 'password_reset', 'token_invalid', req);
      throw AuthErrors.tokenInvalid();
    }
    if (row.usedAt || row.expiresAt <= now) {
      await this.signIn.recordFailure(row.userId, 'password_reset', row.usedAt ? 'token_used' : 'token_expired', req);
      throw AuthErrors.tokenInvalid();
    }
    const user = await this.users.findLoginUser({ id: row.userId });
    if (!user) throw AuthErrors.tokenInvalid();
    // Checked before the token is spent, so a rejected password leaves the link usable.
    this.checkNewPassword(newPassword, user.email);
    const revoked = await this.users.resetPassword(row.id, user.id, await this.hasher.hash(newPassword), now);
    if (revoked === null) {
      await this.signIn.recordFailure(user.id, 'password_reset', 'token_used', req);
      throw AuthErrors.tokenInvalid();
    }
    // The mailbox is proven: lock-outs on the address (possibly a stranger's doing) end here.
    await this.attempts.clearAddress(user.email);
    return this.signIn.signInUser(user, 'password_reset', req, res);
  }

  private checkNewPassword(password: string, email: string): void {
    const weakness = passwordWeakness(password, email);
    if (weakness) throw AuthErrors.weakPassword('new_password', weakness);
  }
}
