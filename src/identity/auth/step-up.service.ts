import { Injectable } from '@nestjs/common';
import type { SessionPrincipal } from '../../platform/request/principal';
import { type AuthLevel, SessionsService } from '../sessions/sessions.service';
import type { PasskeyAssertionRequest } from './dto/passkey-credential.request';
import { AuthErrors } from './auth-errors';
import { AuthRepository } from './auth.repository';
import { PasswordAttempts, sessionOrigin } from './password-attempts.service';
import { SecondFactor } from './second-factor';

/** What a user offers to prove it is them: a current code (TOTP or recovery), a passkey, or the password. */
export interface StepUpProof {
  code?: string;
  password?: string;
  passkey?: PasskeyAssertionRequest;
}

/**
 * The one proof service for sensitive actions. With MFA on, only a current TOTP or recovery
 * code proves it is the user (the password alone would let a stolen session plus a phished
 * password remove the second factor); without MFA, the password. Wrong passwords count toward
 * the sign-in lock-out, wrong codes toward the second-factor lock-out.
 *
 * - `reauthenticate`: step-up; restarts the session's 10-minute window (RecentSignIn).
 * - `confirm`: for actions that take their proof in the request (MFA disable, new recovery codes,
 *   account closure). A valid proof there is itself a step-up, so the session's age does not matter.
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
    const level = await this.prove(principal, proof);
    const now = new Date();
    await this.sessions.markAuthenticated(principal.sessionId, now, stronger(principal.authLevel, level));
    return now;
  }

  /**
   * Throws unless `proof` proves it is the user: 400 parameter_missing (no proof, or a password
   * where MFA needs a code), 401 mfa_code_invalid / invalid_password, 429 while locked out.
   * `passwordParam` names the body field that carries the password (e.g. `current_password`).
   */
  async confirm(principal: SessionPrincipal, proof: StepUpProof, options: { passwordParam?: string } = {}): Promise<void> {
    await this.prove(principal, proof, options.passwordParam);
  }

  private async prove(principal: SessionPrincipal, proof: StepUpProof, passwordParam = 'password'): Promise<AuthLevel> {
    const { userId } = principal;
    if (await this.secondFactor.isEnabled(userId)) {
      if (proof.passkey !== undefined) {
        if (proof.code !== undefined) throw AuthErrors.oneProof();
        await this.secondFactor.acceptPasskey(userId, proof.passkey, 'passkey');
        if (proof.password !== undefined) await this.checkPassword(principal, proof.password, passwordParam);
        return 'passkey';
      }
      if (proof.code === undefined) throw AuthErrors.codeRequired();
      if (!(await this.secondFactor.acceptCode(userId, proof.code))) throw AuthErrors.invalidCode();
      // A password sent along is checked too, never silently ignored.
      if (proof.password !== undefined) await this.checkPassword(principal, proof.password, passwordParam);
      return 'mfa';
    }
    if (proof.password === undefined) throw AuthErrors.proofRequired(passwordParam);
    await this.checkPassword(principal, proof.password, passwordParam);
    return 'password';
  }

  private async checkPassword(principal: SessionPrincipal, password: string, param: string): Promise<void> {
    const user = await this.users.passwordHashOf(principal.userId);
    if (!user) throw AuthErrors.reauthenticationRequired();
    if (!(await this.passwords.verify(user, sessionOrigin(principal.sessionId), password))) throw AuthErrors.invalidPassword(param);
  }
}

const STRENGTH: Record<AuthLevel, number> = { password: 0, mfa: 1, passkey: 2 };

/** A step-up never weakens the session: a TOTP code after a passkey sign-in keeps it `passkey`. */
function stronger(a: AuthLevel, b: AuthLevel): AuthLevel {
  return STRENGTH[a] >= STRENGTH[b] ? a : b;
}
