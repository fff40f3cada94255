import speakeasy from 'speakeasy';

/** TOTP as every authenticator app does it: SHA-1, 6 digits, 30 s steps. */
export const TOTP_STEP_SECONDS = 30;
/** Accept one step either side: clocks drift and people type slowly. */
export const TOTP_WINDOW = 1;
export const TOTP_ISSUER = 'DIDHub';

export interface NewTotpSecret {
  base32: string;
  otpauthUrl: string;
}

export function newTotpSecret(accountLabel: string): NewTotpSecret {
  const secret = speakeasy.generateSecret({ length: 20 });
  const otpauthUrl = speakeasy.otpauthURL({
    secret: secret.base32,
    encoding: 'base32',
    label: `${TOTP_ISSUER}:${accountLabel}`,
    issuer: TOTP_ISSUER,
    algorithm: 'sha1',
    digits: 6,
    period: TOTP_STEP_SECONDS,
  });
  return { base32: secret.base32, otpauthUrl };
}

export function looksLikeTotp(code: string): boolean {
  return /^\d{6}$/.test(code);
}

/**
 * The time step the code belongs to, or null when it matches none in the window. Callers
 * must still record the step and refuse steps not later than the last accepted one (replay).
 */
export function matchingTotpStep(secretBase32: string, code: string, nowMs = Date.now()): number | null {
  if (!looksLikeTotp(code)) return null;
  const result = speakeasy.totp.verifyDelta({
    secret: secretBase32,
    encoding: 'base32',
    token: code,
    window: TOTP_WINDOW,
    step: TOTP_STEP_SECONDS,
    time: Math.floor(nowMs / 1000),
    algorithm: 'sha1',
    digits: 6,
  });
  if (!result) return null;
  return Math.floor(nowMs / 1000 / TOTP_STEP_SECONDS) + result.delta;
}
