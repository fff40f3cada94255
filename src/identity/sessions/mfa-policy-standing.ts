/** An account's sign-in policy for its members' interactive sessions. */
export const MFA_POLICIES = ['off', 'required', 'phishing_resistant'] as const;
export type MfaPolicy = (typeof MFA_POLICIES)[number];

export type PolicyStanding =
  | { kind: 'compliant' }
  /** Below the policy, still inside the grace period: everything works; clients should prompt set-up. */
  | { kind: 'grace'; policy: MfaPolicy; until: Date }
  /** Below the policy after the grace period: the session may only set up a factor (403 mfa_setup_required elsewhere). */
  | { kind: 'setup_only'; policy: MfaPolicy };

/**
 * Whether a session's sign-in meets its account's policy. `required`: a second factor was passed
 * (`mfa` or `passkey`); `phishing_resistant`: it was a passkey. An unknown policy value is treated
 * as the strictest, never as off.
 */
export function policyStanding(policy: string, graceUntil: Date | null, authLevel: string, now: Date): PolicyStanding {
  if (policy === 'off') return { kind: 'compliant' };
  const strict: MfaPolicy = policy === 'required' ? 'required' : 'phishing_resistant';
  const meets = strict === 'required' ? authLevel === 'mfa' || authLevel === 'passkey' : authLevel === 'passkey';
  if (meets) return { kind: 'compliant' };
  if (graceUntil && graceUntil > now) return { kind: 'grace', policy: strict, until: graceUntil };
  return { kind: 'setup_only', policy: strict };
}
