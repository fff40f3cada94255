import { newSessionToken, readCookie, SessionCookieCodec, sessionSecretMatches, hashSessionSecret } from './session-cookie';

const OLD = 'o'.repeat(40);
const NEW = 'n'.repeat(40);

describe('session cookie signing', () => {
  it('round-trips a token it signed', () => {
    const codec = new SessionCookieCodec([NEW]);
    const token = newSessionToken();
    expect(codec.decode(codec.encode(token))).toEqual(token);
  });

  it('refuses a cookie whose secret or signature was changed', () => {
    const codec = new SessionCookieCodec([NEW]);
    const value = codec.encode(newSessionToken());
    const [id, secret, sig] = value.split('.');
    expect(codec.decode(`${id}.${secret}x.${sig}`)).toBeNull();
    expect(codec.decode(`${id}.${secret}.${sig.slice(0, -2)}AA`)).toBeNull();
    expect(codec.decode(`${id}.${secret}`)).toBeNull();
    expect(codec.decode(undefined)).toBeNull();
  });

  it('still verifies cookies signed with an older secret after rotation, and signs with the first', () => {
    const before = new SessionCookieCodec([OLD]);
    const after = new SessionCookieCodec([NEW, OLD]);
    const token = newSessionToken();
    expect(after.decode(before.encode(token))).toEqual(token);
    expect(new SessionCookieCodec([NEW]).decode(after.encode(token))).toEqual(token);
    expect(new SessionCookieCodec([NEW]).decode(before.encode(token))).toBeNull();
  });

  it('keeps only a hash of the secret and compares against it', () => {
    const token = newSessionToken();
    const stored = hashSessionSecret(token.secret);
    expect(stored).not.toContain(token.secret);
    expect(sessionSecretMatches(token.secret, stored)).toBe(true);
    expect(sessionSecretMatches(`${token.secret}x`, stored)).toBe(false);
  });

  it('reads the cookie out of a Cookie header', () => {
    expect(readCookie('a=1; didhub_sid=abc.def.ghi; b=2', 'didhub_sid')).toBe('abc.def.ghi');
    expect(readCookie('a=1', 'didhub_sid')).toBeUndefined();
  });
});
