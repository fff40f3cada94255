import { Injectable } from '@nestjs/common';
import type { Principal, SessionPrincipal } from '../common/auth/principal';
import { SessionsService } from '../sessions/sessions.service';
import { AuthErrors } from './auth-errors';
import { AuthRepository } from './auth.repository';
import { PasswordAttempts } from './password-attempts.service';
import { SecondFactor } from './second-factor';

/** What a user offers to prove it is them: a current code (TOTP or recovery) or the password. */
export interface StepUpProof {
  code?: string;
  password?: string;
}

/** How long after a sign-in (or a step-up) sensitive actions go through without asking again. */
export const RECENT_AUTH_MS = 10 * 60 * 1000;

export function isRecentlyAuthenticated(principal: Principal, nowMs = Date.now()): boolean {
  return principal.kind === 'session' && nowMs - principal.authenticatedAt.getTime() <= RECENT_AUTH_MS;
}

/**
 * Step-up: `POST /v1/auth/reauthenticate` proves it is still the user (a current MFA code when
 * the user has MFA, since the password alone would undo the second factor; otherwise the
 * password) and restarts the session's 10-minute window for sensitive actions.
 */
@Injectable()
export class StepUpService {
  constructor(
    private readonly users: AuthRepository,
    private readonly passwords: PasswordAttempts,
    private readonly secondFactor: SecondFactor,
    private readonly sessions: SessionsService,
  ) {}

  async reauthenticate(principal: SessionPrincipal, proof: StepUpProof): Promise<Date> {
    if (proof.code === undefined && proof.password === undefined) throw AuthErrors.proofRequired();
    await this.prove(principal.userId, proof);
    const now = new Date();
    await this.sessions.markAuthenticated(principal.sessionId, now);
    return now;
  }

  private async prove(userId: string, proof: StepUpProof): Promise<void> {
    if (await this.secondFactor.isEnabled(userId)) {
      if (proof.code === undefined || !(await this.secondFactor.acceptCode(userId, proof.code))) throw AuthErrors.invalidCode();
      return;
    }
    const user = await this.users.passwordHashOf(userId);
    if (!user) throw AuthErrors.reauthenticationRequired();
    if (proof.password === undefined || !(await this.passwords.verify(userId, proof.password, user.passwordHash))) {
      throw AuthErrors.invalidPassword();
    }
  }
}
