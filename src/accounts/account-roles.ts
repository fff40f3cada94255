import type { Principal, SessionPrincipal } from '../common/auth/principal';
import { AccountErrors } from './account-errors';

export function isManager(principal: SessionPrincipal): boolean {
  return principal.role === 'owner' || principal.role === 'admin';
}

/** Owners and admins manage the account and its members; members only read. */
export function requireManager(principal: SessionPrincipal): void {
  if (!isManager(principal)) throw AccountErrors.roleRequired();
}

/** @SessionOnly() routes always carry a session principal; anything else is a wiring bug. */
export function sessionPrincipal(principal: Principal): SessionPrincipal {
  if (principal.kind !== 'session') throw new Error('session-only route reached without a session principal');
  return principal;
}
