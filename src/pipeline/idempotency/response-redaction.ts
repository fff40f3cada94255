/**
 * Fields that carry a secret shown exactly once (a new API key, MFA recovery codes, a TOTP
 * secret and its provisioning URL/QR code, an MFA sign-in token). "We store only a hash" must
 * hold for idempotency records too, so they are removed before a response is stored — a
 * replay returns the original status and body without them, and never runs the action again.
 * Nothing else is removed: personal data stays in the (encrypted) record, so the replay of any
 * other response is the original response.
 */
export const SECRET_RESPONSE_FIELDS: ReadonlySet<string> = new Set([
  'key',
  'recovery_codes',
  'secret',
  'otpauth_url',
  'qr_code',
  'mfa_token',
]);

/** A copy of a JSON value without one-time secret fields at any depth. */
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value !== null && typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    for (const [name, inner] of Object.entries(value)) {
      if (!SECRET_RESPONSE_FIELDS.has(name)) copy[name] = redactSecrets(inner);
    }
    return copy;
  }
  return value;
}
