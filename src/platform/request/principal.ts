/**
 * The principal's account as read in the same statement as the credentials (one round trip
 * authenticates and loads it), so GET /v1/account needs no second query.
 */
export interface PrincipalAccount {
  id: string;
  name: string;
  status: string;
  apiKeysEnabled: boolean;
  createdAt: Date;
  updatedAt: Date;
  /** The operator's per-account budgets (null: the configured default). */
  rateLimitReadPerMinute: number | null;
  rateLimitWritePerMinute: number | null;
  /** The sign-in policy for members' sessions (API keys are not subject to it). */
  mfaPolicy: string;
  mfaGraceUntil: Date | null;
}

/** Who is calling, as established by the global guard. */
export interface SessionPrincipal {
  kind: 'session';
  userId: string;
  accountId: string;
  sessionId: string;
  role: string;
  permissions: string[];
  /** `mfa` when the second factor was passed at sign-in; `passkey` when that factor was a passkey. */
  authLevel: 'password' | 'mfa' | 'passkey';
  /** When the user last proved who they are (sign-in or step-up); for reauthentication checks. */
  authenticatedAt: Date;
  account?: PrincipalAccount;
  /**
   * Present when this sign-in does not meet the account's MFA policy: until `graceUntil` the
   * session works normally; after it (`setupOnly`) it may only set up a second factor.
   */
  mfaSetup?: { policy: string; graceUntil: Date | null; setupOnly: boolean };
}

export interface ApiKeyPrincipal {
  kind: 'api_key';
  apiKeyId: string;
  accountId: string;
  scopes: string[];
  account?: PrincipalAccount;
}

export interface AdminPrincipal {
  kind: 'admin';
}

export type Principal = SessionPrincipal | ApiKeyPrincipal | AdminPrincipal;
export type CustomerPrincipal = SessionPrincipal | ApiKeyPrincipal;

/** The session principal on a @SessionOnly() route; anything else there is a wiring bug, not a client error. */
export function sessionPrincipal(principal: Principal): SessionPrincipal {
  if (principal.kind !== 'session') throw new Error('session-only route reached without a session principal');
  return principal;
}
