import type { EncryptionContext } from '../../platform/crypto/encryption.service';

export const OAUTH_STATE_COOKIE = 'didhub_oauth';
export const OAUTH_COOKIE_PATH = '/v1/auth/oauth';
/** Time from start to callback: enough to sign in at the provider, short enough to be useless later. */
export const OAUTH_FLOW_TTL_MS = 10 * 60 * 1000;

/**
 * Everything the callback must check, kept in the browser that started the flow: an
 * AES-GCM sealed (confidential and tamper-proof) cookie, so no table and no cleanup are needed,
 * and a callback in a browser that did not start the flow has no cookie and fails (login CSRF).
 */
export interface OAuthFlowState {
  provider: string;
  state: string;
  nonce: string;
  codeVerifier: string;
  redirectUri: string;
  expiresAt: number;
}

/** Not a database column, so not in ENCRYPTED_FIELDS: nothing to rotate once a flow is 10 minutes old. */
export const OAUTH_COOKIE_CONTEXT: EncryptionContext = { table: 'oauth_flow', rowId: 'cookie', field: 'state' };

export function parseFlowState(json: string): OAuthFlowState | null {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  const strings = ['provider', 'state', 'nonce', 'codeVerifier', 'redirectUri'] as const;
  if (!strings.every((k) => typeof v[k] === 'string') || typeof v.expiresAt !== 'number') return null;
  return v as unknown as OAuthFlowState;
}
