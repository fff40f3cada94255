import { policyStanding } from './mfa-policy-standing';

describe('policyStanding', () => {
  const now = new Date('2026-12-01T12:00:00Z');
  const later = new Date('2026-12-08T12:00:00Z');
  const earlier = new Date('2026-11-30T12:00:00Z');

  it('off: every session is compliant', () => {
    expect(policyStanding('off', null, 'password', now)).toEqual({ kind: 'compliant' });
  });

  it('required: TOTP or passkey sessions comply; a password-only one has the grace period, then may only set up', () => {
    expect(policyStanding('required', later, 'mfa', now).kind).toBe('compliant');
    expect(policyStanding('required', later, 'passkey', now).kind).toBe('compliant');
    expect(policyStanding('required', later, 'password', now)).toEqual({ kind: 'grace', policy: 'required', until: later });
    expect(policyStanding('required', earlier, 'password', now)).toEqual({ kind: 'setup_only', policy: 'required' });
    expect(policyStanding('required', now, 'password', now).kind).toBe('setup_only');
    expect(policyStanding('required', null, 'password', now).kind).toBe('setup_only');
  });

  it('phishing_resistant: only a passkey complies, TOTP does not', () => {
    expect(policyStanding('phishing_resistant', earlier, 'passkey', now).kind).toBe('compliant');
    expect(policyStanding('phishing_resistant', earlier, 'mfa', now).kind).toBe('setup_only');
    expect(policyStanding('phishing_resistant', later, 'mfa', now).kind).toBe('grace');
  });

  it('an unknown policy value is enforced as the strictest, never as off', () => {
    expect(policyStanding('something-new', null, 'mfa', now)).toEqual({ kind: 'setup_only', policy: 'phishing_resistant' });
  });
});
