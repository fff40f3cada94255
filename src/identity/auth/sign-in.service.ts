import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { attemptOrigin, LoginHistoryService, type SignInMethod } from '../login-history/login-history.service';
import { type AuthLevel, SessionsService } from '../sessions/sessions.service';
import { AuthErrors } from './auth-errors';
import { chooseAccount } from './account-choice';
import { AuthRepository, type LoginUserRow } from './auth.repository';
import { type SignInResult, type SignedInResponse, toSignedInResponse } from './auth.responses';
import { type FirstFactor, SecondFactor } from './second-factor';

export interface SignInCompletion {
  user: { id: string; mfaEnabled: boolean };
  accountId: string;
  method: FirstFactor;
}

export interface SessionGrant {
  userId: string;
  accountId: string;
  authLevel: AuthLevel;
  method: SignInMethod;
}

/**
 * The last step of every interactive sign-in, after its first factor passed. The MFA branch
 * lives here so no flow can forget it: with MFA on, the caller gets an `mfa_token` and no cookie.
 */
@Injectable()
export class SignInService {
  constructor(
    private readonly users: AuthRepository,
    private readonly sessions: SessionsService,
    private readonly history: LoginHistoryService,
    private readonly secondFactor: SecondFactor,
  ) {}

  async complete(input: SignInCompletion, req: Request, res: Response): Promise<SignInResult> {
    // TOTP, or a passkey: either makes the second step due.
    if (input.user.mfaEnabled || (await this.secondFactor.isEnabled(input.user.id))) {
      const mfaToken = await this.secondFactor.issueChallenge({ userId: input.user.id, accountId: input.accountId, method: input.method });
      // The first factor passed but nobody is signed in yet; MFA verification records the outcome.
      await this.recordFailure(input.user.id, input.method, 'mfa_required', req);
      return { mfa_required: true, mfa_token: mfaToken };
    }
    return this.startSession({ userId: input.user.id, accountId: input.accountId, authLevel: 'password', method: input.method }, req, res);
  }

  /**
   * For flows that start from a user row: picks the account to act for (refusing closed ones),
   * then completes. `preferredAccountId` e.g. the account a verification link was issued for.
   */
  async signInUser(
    user: Pick<LoginUserRow, 'id' | 'mfaEnabled' | 'grants' | 'defaultAccountId'>,
    method: FirstFactor,
    req: Request,
    res: Response,
    preferredAccountId: string | null = null,
  ): Promise<SignInResult> {
    const choice = chooseAccount(user.grants, preferredAccountId ?? user.defaultAccountId);
    if ('refused' in choice) {
      await this.recordFailure(user.id, method, choice.refused, req);
      throw choice.refused === 'account_closed' ? AuthErrors.accountClosed() : AuthErrors.noAccount();
    }
    return this.complete({ user: { id: user.id, mfaEnabled: user.mfaEnabled }, accountId: choice.accountId, method }, req, res);
  }

  /**
   * A sign-in whose one proof covered both factors (a passkey with user verification): no
   * second step, the session is `passkey`-level from the start. Refuses users who cannot sign in.
   */
  async signInVerifiedUser(userId: string, method: SignInMethod, req: Request, res: Response): Promise<SignedInResponse> {
    const user = await this.users.findLoginUser({ id: userId });
    if (!user) throw AuthErrors.invalidCredentials();
    if (!user.emailVerifiedAt) {
      await this.recordFailure(user.id, method, 'email_not_verified', req);
      throw AuthErrors.emailNotVerified();
    }
    const choice = chooseAccount(user.grants, user.defaultAccountId);
    if ('refused' in choice) {
      await this.recordFailure(user.id, method, choice.refused, req);
      throw choice.refused === 'account_closed' ? AuthErrors.accountClosed() : AuthErrors.noAccount();
    }
    return this.startSession({ userId: user.id, accountId: choice.accountId, authLevel: 'passkey', method }, req, res);
  }

  /** Issues the didhub_sid cookie, records the successful attempt, returns who is now signed in. */
  async startSession(grant: SessionGrant, req: Request, res: Response): Promise<SignedInResponse> {
    const view = await this.users.findSignedInView(grant.userId, grant.accountId);
    if (!view) {
      await this.recordFailure(grant.userId, grant.method, 'no_account', req);
      throw AuthErrors.noAccount();
    }
    const sessionId = await this.sessions.start({ userId: grant.userId, accountId: grant.accountId, authLevel: grant.authLevel }, req, res);
    await this.history.record({ userId: grant.userId, success: true, method: grant.method, failureReason: null, ...attemptOrigin(req) });
    return toSignedInResponse(view, { id: sessionId, authLevel: grant.authLevel });
  }

  recordFailure(userId: string | null, method: SignInMethod, reason: string, req: Request): Promise<void> {
    return this.history.record({ userId, success: false, method, failureReason: reason, ...attemptOrigin(req) });
  }
}
