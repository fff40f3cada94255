import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { SignedInResponse } from '../auth/auth.responses';
import { SignInService } from '../auth/sign-in.service';
import type { PasskeyAssertionRequest } from '../auth/dto/passkey-credential.request';
import { attemptOrigin, LoginHistoryService } from '../login-history/login-history.service';
import { PasskeyFactors } from '../passkeys/passkey-factors.service';
import { type MfaChallengeRow } from './mfa-challenge.repository';
import { MfaChallengeRepository } from './mfa-challenge.repository';
import { hashMfaToken, MFA_LOCK_MS, MFA_MAX_ATTEMPTS } from './mfa-challenge.service';
import { MfaErrors } from './mfa-errors';
import { MfaFactorService } from './mfa-factor.service';

/**
 * `POST /v1/auth/mfa/verify`: the second step of every interactive sign-in. The challenge
 * carries a budget of guesses; a locked challenge (or any locked challenge of the same user)
 * refuses even the right code until the lock ends.
 */
@Injectable()
export class MfaVerificationService {
  constructor(
    private readonly challenges: MfaChallengeRepository,
    private readonly factors: MfaFactorService,
    private readonly history: LoginHistoryService,
    private readonly signIn: SignInService,
    private readonly passkeys: PasskeyFactors,
  ) {}

  /** `POST /v1/auth/mfa/passkey-options`: assertion options listing the passkeys of the mfa_token's user. */
  async passkeyOptions(token: string, req: Request) {
    const challenge = await this.liveChallenge(token, new Date(), req);
    return this.passkeys.optionsFor('second_factor', challenge.userId);
  }

  /** The second step with a passkey: a `passkey`-level session. Counts against the challenge's guesses like a code. */
  async verifyPasskey(token: string, assertion: PasskeyAssertionRequest, req: Request, res: Response): Promise<SignedInResponse> {
    const now = new Date();
    const challenge = await this.liveChallenge(token, now, req);
    if (!(await this.challenges.reserveAttempt(challenge.id, now, MFA_MAX_ATTEMPTS))) {
      await this.recordFailure(challenge.userId, 'mfa_locked', req);
      throw MfaErrors.locked(Math.ceil(MFA_LOCK_MS / 1000));
    }
    try {
      await this.passkeys.verify('second_factor', challenge.userId, assertion, 'passkey');
    } catch (error) {
      if ((await this.challenges.failedCount(challenge.id)) >= MFA_MAX_ATTEMPTS) {
        await this.challenges.lock(challenge.id, new Date(now.getTime() + MFA_LOCK_MS));
      }
      await this.recordFailure(challenge.userId, 'invalid_passkey', req);
      throw error;
    }
    if (!(await this.challenges.markUsed(challenge.id, now))) {
      await this.recordFailure(challenge.userId, 'mfa_token_invalid', req);
      throw MfaErrors.invalidToken();
    }
    return this.signIn.startSession(
      { userId: challenge.userId, accountId: challenge.accountId, authLevel: 'passkey', method: 'mfa' },
      req,
      res,
    );
  }

  private async liveChallenge(token: string, now: Date, req: Request): Promise<MfaChallengeRow & { accountId: string }> {
    const challenge = await this.challenges.findByTokenHash(hashMfaToken(token));
    if (!challenge || challenge.usedAt || challenge.expiresAt <= now || !challenge.accountId) {
      if (challenge) await this.recordFailure(challenge.userId, 'mfa_token_invalid', req);
      throw MfaErrors.invalidToken();
    }
    const lockedUntil = latest(challenge.lockedUntil, await this.challenges.userLockedUntil(challenge.userId, now));
    if (lockedUntil && lockedUntil > now) {
      await this.recordFailure(challenge.userId, 'mfa_locked', req);
      throw MfaErrors.locked(Math.ceil((lockedUntil.getTime() - now.getTime()) / 1000));
    }
    return { ...challenge, accountId: challenge.accountId };
  }

  async verify(token: string, code: string, req: Request, res: Response): Promise<SignedInResponse> {
    const now = new Date();
    const challenge = await this.liveChallenge(token, now, req);
    if (!(await this.challenges.reserveAttempt(challenge.id, now, MFA_MAX_ATTEMPTS))) {
      // A parallel guess used, locked or spent the challenge between our read and now.
      await this.recordFailure(challenge.userId, 'mfa_locked', req);
      throw MfaErrors.locked(Math.ceil(MFA_LOCK_MS / 1000));
    }
    const user = await this.factors.findUser(challenge.userId);
    const factor = user ? await this.factors.acceptCode(user, code) : null;
    if (!factor) {
      if ((await this.challenges.failedCount(challenge.id)) >= MFA_MAX_ATTEMPTS) {
        await this.challenges.lock(challenge.id, new Date(now.getTime() + MFA_LOCK_MS));
      }
      await this.recordFailure(challenge.userId, 'invalid_mfa_code', req);
      throw MfaErrors.invalidCode();
    }
    if (!(await this.challenges.markUsed(challenge.id, now))) {
      await this.recordFailure(challenge.userId, 'mfa_token_invalid', req);
      throw MfaErrors.invalidToken();
    }
    // startSession records the successful 'mfa' attempt in the login history.
    return this.signIn.startSession(
      { userId: challenge.userId, accountId: challenge.accountId, authLevel: 'mfa', method: 'mfa' },
      req,
      res,
    );
  }

  private recordFailure(userId: string, failureReason: string, req: Request): Promise<void> {
    return this.history.record({ userId, success: false, method: 'mfa', failureReason, ...attemptOrigin(req) });
  }
}

function latest(a: Date | null, b: Date | null): Date | null {
  if (!a) return b;
  if (!b) return a;
  return a > b ? a : b;
}
