import speakeasy from 'speakeasy';
import { matchingTotpStep, newTotpSecret, TOTP_STEP_SECONDS } from './totp';
import { KeyedHash } from '../../platform/crypto/keyed-hash';
import { hashRecoveryCode, newRecoveryCodes } from './recovery-codes';

describe('TOTP window', () => {
  const { base32 } = newTotpSecret('user@example.com');
  const now = 1_700_000_015_000;
  const codeAt = (ms: number) => speakeasy.totp({ secret: base32, encoding: 'base32', time: Math.floor(ms / 1000) });
  const step = Math.floor(now / 1000 / TOTP_STEP_SECONDS);

  it('accepts the current step and one step either side, naming the step', () => {
    expect(matchingTotpStep(base32, codeAt(now), now)).toBe(step);
    expect(matchingTotpStep(base32, codeAt(now - 30_000), now)).toBe(step - 1);
    expect(matchingTotpStep(base32, codeAt(now + 30_000), now)).toBe(step + 1);
  });

  it('refuses codes two steps away and malformed codes', () => {
    expect(matchingTotpStep(base32, codeAt(now - 60_000), now)).toBeNull();
    expect(matchingTotpStep(base32, codeAt(now + 60_000), now)).toBeNull();
    expect(matchingTotpStep(base32, 'abcdef', now)).toBeNull();
    expect(matchingTotpStep(base32, '1234567', now)).toBeNull();
  });

  it('puts an otpauth URL with issuer, SHA-1, 6 digits and 30 s', () => {
    const secret = newTotpSecret('a@example.com');
    const url = new URL(secret.otpauthUrl);
    expect(url.protocol).toBe('otpauth:');
    expect(url.searchParams.get('secret')).toBe(secret.base32);
    expect(url.searchParams.get('issuer')).toBe('DIDHub');
    expect(url.searchParams.get('algorithm')).toBe('SHA1');
    expect(url.searchParams.get('digits')).toBe('6');
    expect(url.searchParams.get('period')).toBe('30');
  });
});

describe('recovery codes', () => {
  it('are ten distinct codes whose hash ignores case and dashes', () => {
    const codes = newRecoveryCodes();
    expect(new Set(codes).size).toBe(10);
    const keyed = new KeyedHash('a-test-pepper-0123456789abcdef0123456789');
    expect(hashRecoveryCode(codes[0].toUpperCase().replace('-', ' '), keyed)).toBe(hashRecoveryCode(codes[0], keyed));
    expect(hashRecoveryCode(codes[0], keyed)).not.toContain(codes[0]);
    // Keyed: another server key gives another digest, so a copied table cannot be checked offline.
    expect(hashRecoveryCode(codes[0], new KeyedHash('another-pepper-0123456789abcdef0123456789'))).not.toBe(
      hashRecoveryCode(codes[0], keyed),
    );
  });
});
