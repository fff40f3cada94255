import type { SessionPrincipal } from '../../platform/request/principal';
import { AccountErrors } from './account-errors';

export function isManager(principal: SessionPrincipal): boolean {
  return principal.role === 'owner' || principal.role === 'admin';
}

/** Owners and admins manage the account and its members; members only read. */
export function requireManager(principal: SessionPrincipal): void {
  if (!isManager(principal)) throw AccountErrors.roleRequired();
}

