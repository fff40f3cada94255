import { Injectable } from '@nestjs/common';
import { MfaChallengeRepository } from './mfa-challenge.repository';
import { hashMfaToken, MFA_LOCK_MS, MFA_MAX_ATTEMPTS } from './mfa-challenge.service';
import { MfaErrors } from './mfa-errors';
import { MfaFactorService } from './mfa-factor.service';

/**
 * Second-factor codes offered by someone already signed in (step-up, MFA disable, new recovery
 * codes, account closure). Guesses count like the sign-in challenge's: 5 wrong codes lock for 15
 * minutes, and a lock from either place refuses codes in both (429 mfa_locked), so a stolen
 * session cannot guess codes without limit.
 */
@Injectable()
export class MfaCodeAttempts {
  constructor(
    private readonly challenges: MfaChallengeRepository,
    private readonly factors: MfaFactorService,
  ) {}

  async accept(userId: string, code: string): Promise<boolean> {
    const now = new Date();
    const lockedUntil = await this.challenges.userLockedUntil(userId, now);
    if (lockedUntil) throw MfaErrors.locked(Math.ceil((lockedUntil.getTime() - now.getTime()) / 1000));
    const id = await this.challenges.stepUpChallengeId(userId, hashMfaToken(`step-up:${userId}`), now);
    // The guess is taken from the budget before the code is checked, so parallel guesses cannot overrun it.
    if (!(await this.challenges.reserveAttempt(id, now, MFA_MAX_ATTEMPTS))) throw MfaErrors.locked(Math.ceil(MFA_LOCK_MS / 1000));
    const user = await this.factors.findUser(userId);
    if (user && (await this.factors.acceptCode(user, code))) {
      await this.challenges.clearFailures(id);
      return true;
    }
    if ((await this.challenges.failedCount(id)) >= MFA_MAX_ATTEMPTS) {
      await this.challenges.lock(id, new Date(now.getTime() + MFA_LOCK_MS));
    }
    return false;
  }
}
