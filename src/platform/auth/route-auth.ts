import { SetMetadata } from '@nestjs/common';

export const ROUTE_AUTH = 'didhub:route-auth';

export const SESSION_COOKIE_SCHEME = 'didhub_sid';
export const BEARER_SCHEME = 'bearer';
export const ADMIN_SCHEME = 'admin_token';

/**
 * What a route accepts. Declared once per route (or controller); the global guard enforces it
 * and the OpenAPI document derives each operation's security and error responses from the same
 * metadata (src/app/openapi/conventions.ts). A route with no declaration accepts either customer
 * scheme — never nothing: default-deny.
 */
export type RouteAuth =
  | { kind: 'public' }
  | { kind: 'admin' }
  | { kind: 'customer'; sessionOnly: boolean; scope: string | null; recentAuth?: boolean; duringMfaSetup?: boolean };

export const DEFAULT_ROUTE_AUTH: RouteAuth = { kind: 'customer', sessionOnly: false, scope: null };

/** No authentication (health, sign-in, security.txt). Use sparingly. */
export const Public = () => SetMetadata(ROUTE_AUTH, { kind: 'public' } satisfies RouteAuth);

/**
 * Dashboard only: a bearer API key gets 403 session_required. `recentAuth` marks a sensitive
 * action: the session must have signed in or stepped up within the last 10 minutes, else 403
 * reauthentication_required. `duringMfaSetup` marks the few routes a session that must first set up
 * a second factor (its account's MFA policy, after the grace period) may still use; every other
 * route answers it 403 mfa_setup_required.
 */
export const SessionOnly = (options: { recentAuth?: boolean; duringMfaSetup?: boolean } = {}) =>
  SetMetadata(ROUTE_AUTH, {
    kind: 'customer',
    sessionOnly: true,
    scope: null,
    ...(options.recentAuth ? { recentAuth: true } : {}),
    ...(options.duringMfaSetup ? { duringMfaSetup: true } : {}),
  } satisfies RouteAuth);

/** Either scheme, but the key's scopes or the member's permissions must include `scope`. */
export const RequireScope = (scope: string) => SetMetadata(ROUTE_AUTH, { kind: 'customer', sessionOnly: false, scope } satisfies RouteAuth);

/** Either customer scheme, no particular scope. */
export const Authenticated = () => SetMetadata(ROUTE_AUTH, DEFAULT_ROUTE_AUTH);

/** Operator surface: ADMIN_API_TOKEN only, never a session or a customer key. */
export const AdminOnly = () => SetMetadata(ROUTE_AUTH, { kind: 'admin' } satisfies RouteAuth);
