import type { CustomerPrincipal } from '../request/principal';

/** Granular scopes for API keys; members' permissions use the same vocabulary. */
export const SCOPES = [
  'cdrs:read',
  'compliance:read',
  'compliance:write',
  'numbers:read',
  'numbers:write',
  'sip_gateways:read',
  'sip_gateways:write',
  'webhooks:read',
  'webhooks:write',
] as const;

export const ALL_SCOPES = '*';

export function isKnownScope(value: string): boolean {
  return value === ALL_SCOPES || (SCOPES as readonly string[]).includes(value);
}

/** Permissions a member holds without being granted them: everything except reading CDRs. */
export const MEMBER_DEFAULT_PERMISSIONS: readonly string[] = SCOPES.filter((s) => s !== 'cdrs:read');

/** What a principal may do: owners/admins everything, members their defaults plus grants, keys their scopes. */
export function effectiveScopes(principal: CustomerPrincipal): string[] {
  if (principal.kind === 'api_key') return principal.scopes;
  if (principal.role === 'owner' || principal.role === 'admin') return [ALL_SCOPES];
  return [...new Set([...MEMBER_DEFAULT_PERMISSIONS, ...principal.permissions])];
}

export function hasScope(principal: CustomerPrincipal, scope: string): boolean {
  const scopes = effectiveScopes(principal);
  return scopes.includes(ALL_SCOPES) || scopes.includes(scope);
}
