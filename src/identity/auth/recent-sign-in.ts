import { Injectable } from '@nestjs/common';
import type { Principal } from '../../platform/request/principal';
import type { RecentAuthCheck } from '../../platform/auth/recent-auth-check';
import { AuthErrors } from './auth-errors';
import { isMultiFactor } from '../sessions/sessions.service';
import { SecondFactor } from './second-factor';

/** How long after a sign-in (or a step-up) sensitive actions go through without asking again. */
export const RECENT_AUTH_MS = 10 * 60 * 1000;

export function isRecentlyAuthenticated(principal: Principal, nowMs = Date.now()): boolean {
  return principal.kind === 'session' && nowMs - principal.authenticatedAt.getTime() <= RECENT_AUTH_MS;
}

/**
 * The step-up guard of `@SessionOnly({ recentAuth: true })` routes, applied by the global
 * Authenticator: the session must have signed in or stepped up within 10 minutes, and when the
 * user has MFA that proof must have included the second factor (a session from before MFA was
 * turned on is recent, but weaker than the account now demands).
 */
@Injectable()
export class RecentSignIn implements RecentAuthCheck {
  constructor(private readonly secondFactor: SecondFactor) {}

  async assert(principal: Principal): Promise<void> {
    if (principal.kind !== 'session' || !isRecentlyAuthenticated(principal)) throw AuthErrors.reauthenticationRequired();
    if (!isMultiFactor(principal.authLevel) && (await this.secondFactor.isEnabled(principal.userId))) {
      throw AuthErrors.reauthenticationRequired();
    }
  }
}
