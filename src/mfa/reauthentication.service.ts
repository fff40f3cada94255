import { Injectable } from '@nestjs/common';
import type { Principal, SessionPrincipal } from '../common/auth/principal';
import { MfaErrors } from './mfa-errors';
import { MfaFactorService } from './mfa-factor.service';
import { MfaRepository } from './mfa.repository';
import type { MfaProof } from './mfa.service';

export interface ProofOptions {
  /** The body field that carried the password, for the error's `param` (e.g. `current_password`). */
  passwordParam?: string;
}

/** How long after a sign-in (or a step-up) sensitive actions go through without asking again. */
export const RECENT_AUTH_MS = 10 * 60 * 1000;

export function isRecentlyAuthenticated(principal: Principal, nowMs = Date.now()): boolean {
  return principal.kind === 'session' && nowMs - principal.authenticatedAt.getTime() <= RECENT_AUTH_MS;
}

/**
 * Step-up for sensitive actions. A session signed in within the last 10 minutes passes; an
 * older one passes with proof in the same request: a current MFA code when the user has MFA
 * (the password alone would undo the second factor), otherwise the password.
 */
@Injectable()
export class ReauthenticationService {
  constructor(
    private readonly factors: MfaFactorService,
    private readonly repo: MfaRepository,
  ) {}

  /** Throws 403 reauthentication_required, or 401 on a wrong code/password, unless the caller may proceed. */
  async assertRecent(principal: Principal, proof: MfaProof = {}, options: ProofOptions = {}): Promise<void> {
    if (isRecentlyAuthenticated(principal)) return;
    // Only a person at a dashboard can step up; keys and operator tokens never count as recent.
    if (principal.kind !== 'session') throw MfaErrors.reauthenticationRequired();
    if (proof.code === undefined && proof.password === undefined) throw MfaErrors.reauthenticationRequired();
    await this.prove(principal, proof, options);
  }

  /**
   * For actions that always need the second factor when MFA is on, however recent the sign-in
   * (account closure: `{password, code?}`). No-op for users without MFA.
   */
  async requireSecondFactor(userId: string, code: string | undefined): Promise<void> {
    const user = await this.factors.findUser(userId);
    if (!user?.mfaEnabled) return;
    if (code === undefined) throw MfaErrors.codeRequired();
    if (!(await this.factors.acceptCode(user, code))) throw MfaErrors.invalidCode();
  }

  /** POST /v1/auth/reauthenticate: checks the proof, then restarts the session's 10-minute window. */
  async reauthenticate(principal: SessionPrincipal, proof: MfaProof): Promise<Date> {
    if (proof.code === undefined && proof.password === undefined) throw MfaErrors.proofRequired();
    await this.prove(principal, proof);
    const now = new Date();
    await this.repo.markSessionAuthenticated(principal.sessionId, now);
    return now;
  }

  private async prove(principal: SessionPrincipal, proof: MfaProof, options: ProofOptions = {}): Promise<void> {
    const user = await this.factors.findUser(principal.userId);
    if (!user) throw MfaErrors.reauthenticationRequired();
    if (user.mfaEnabled) {
      if (proof.code === undefined) throw MfaErrors.invalidCode();
      if (!(await this.factors.acceptCode(user, proof.code))) throw MfaErrors.invalidCode();
      return;
    }
    if (proof.password === undefined || !(await this.factors.acceptPassword(user, proof.password))) {
      throw MfaErrors.invalidPassword(options.passwordParam);
    }
  }
}
