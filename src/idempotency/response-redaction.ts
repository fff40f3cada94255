/**
 * Fields that carry a secret shown exactly once (a new API key, MFA recovery codes, a TOTP
 * secret and its provisioning URL/QR code, an MFA sign-in token). "We store only a hash" must
 * hold for idempotency records too, so they are removed before a response is stored — a
 * replay returns the original status and body without them, and never runs the action again.
 */
export const SECRET_RESPONSE_FIELDS: ReadonlySet<string> = new Set([
  'key',
  'recovery_codes',
  'secret',
  'otpauth_url',
  'qr_code',
  'mfa_token',
]);

/**
 * Personal data: of compliance end-users, and the e-mail addresses, client IPs and user agents
 * of members, invitations and sessions. Idempotency records are kept outside the encrypted
 * columns, so these are removed too: a replayed create or update answers the original status
 * and id without them (GET the resource to read it).
 */
export const PERSONAL_RESPONSE_FIELDS: ReadonlySet<string> = new Set([
  'email',
  'ip',
  'user_agent',
  'first_name',
  'last_name',
  'date_of_birth',
  'document_number_last4',
  'business_name',
  'registration_number',
  'address',
]);

/** A copy of a JSON value without secret or personal fields at any depth. */
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value !== null && typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    for (const [name, inner] of Object.entries(value)) {
      if (!SECRET_RESPONSE_FIELDS.has(name) && !PERSONAL_RESPONSE_FIELDS.has(name)) copy[name] = redactSecrets(inner);
    }
    return copy;
  }
  return value;
}
