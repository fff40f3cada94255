import { KeyedHash } from '../../platform/crypto/keyed-hash';
import { canonicalJson, isValidIdempotencyKey, requestFingerprint } from './request-fingerprint';
import { redactSecrets } from './response-redaction';

const keyed = new KeyedHash('a-test-pepper-0123456789abcdef0123456789');

describe('request fingerprint', () => {
  it('ignores object key order at every depth but not array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe('{"a":{"c":null,"d":[2,1]},"b":1}');
    const one = requestFingerprint({ method: 'POST', path: '/v1/x', body: { a: 1, b: [1, 2] } }, keyed);
    expect(requestFingerprint({ method: 'post', path: '/v1/x', body: { b: [1, 2], a: 1 } }, keyed)).toBe(one);
    expect(requestFingerprint({ method: 'POST', path: '/v1/x', body: { a: 1, b: [2, 1] } }, keyed)).not.toBe(one);
    expect(requestFingerprint({ method: 'PATCH', path: '/v1/x', body: { a: 1, b: [1, 2] } }, keyed)).not.toBe(one);
    expect(requestFingerprint({ method: 'POST', path: '/v1/y', body: { a: 1, b: [1, 2] } }, keyed)).not.toBe(one);
  });

  it('hashes raw bytes (multipart) differently from JSON with the same text', () => {
    const raw = requestFingerprint({ method: 'POST', path: '/v1/x', body: Buffer.from('{}') }, keyed);
    expect(raw).not.toBe(requestFingerprint({ method: 'POST', path: '/v1/x', body: {} }, keyed));
    expect(raw).toBe(requestFingerprint({ method: 'POST', path: '/v1/x', body: Buffer.from('{}') }, keyed));
  });

  it('is keyed: another server key gives another fingerprint, so a stored one cannot be checked against guesses', () => {
    const input = { method: 'POST', path: '/v1/auth/reauthenticate', body: { password: 'correct horse battery staple' } };
    const other = new KeyedHash('another-pepper-0123456789abcdef0123456789');
    expect(requestFingerprint(input, keyed)).not.toBe(requestFingerprint(input, other));
  });

  it('accepts 1–255 visible ASCII characters only', () => {
    expect(isValidIdempotencyKey('a')).toBe(true);
    expect(isValidIdempotencyKey('0f8fad5b-d9cb-469f-a165-70867728950e')).toBe(true);
    expect(isValidIdempotencyKey('~'.repeat(255))).toBe(true);
    for (const bad of ['', 'x'.repeat(256), 'a b', 'a\tb', 'é', '\x7f']) expect(isValidIdempotencyKey(bad)).toBe(false);
  });
});

describe('secret redaction for stored responses', () => {
  it('removes one-time secrets at any depth and keeps everything else, personal data included', () => {
    expect(
      redactSecrets({
        id: 'key_1',
        key: 'didhub_live_x',
        data: [{ secret: 's', otpauth_url: 'otpauth://', qr_code: 'data:', name: 'n', email: 'e@example.test' }],
        mfa: { mfa_token: 't', recovery_codes: ['a'], enabled: true },
      }),
    ).toEqual({ id: 'key_1', data: [{ name: 'n', email: 'e@example.test' }], mfa: { enabled: true } });
  });
});
