import { createHash } from 'node:crypto';
import { KeyedHash } from '../../src/platform/crypto/keyed-hash';
import { bearerClient, seedApiKey, seedUser, uniqueEmail } from '../support/seed';
import { startTestApp, TEST_ORIGIN, type TestApp } from '../support/test-app';
import { setCookies, sessionCookieOf } from '../support/cookies';


const withoutRequestId = (body: { error: Record<string, unknown> }) => ({ ...body.error, request_id: null });

describe('password sign-in, sign-out and me', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const login = (email: string, password: string) => t.http().post('/v1/auth/login').send({ email, password });

  it('sets an HttpOnly, Secure, SameSite=Lax, Path=/ session cookie and answers who signed in', async () => {
    const user = await seedUser(t);
    const res = await login(user.email, user.password).expect(200);
    const cookie = setCookies(res).find((c) => c.startsWith('didhub_sid='))!;
    const attributes = cookie.split(';').map((a) => a.trim().toLowerCase());
    expect(attributes).toEqual(expect.arrayContaining(['httponly', 'secure', 'samesite=lax', 'path=/']));
    expect(res.body).toEqual({
      user: { id: user.userId, object: 'user', email: user.email, name: 'Test User', email_verified: true, mfa_enabled: false },
      account: { id: user.accountId, object: 'account', name: expect.any(String), role: 'owner' },
      session: { id: expect.stringMatching(/^ses_/), object: 'session', auth_level: 'password' },
    });

    const me = await t.http().get('/v1/auth/me').set('Cookie', sessionCookieOf(res)).expect(200);
    expect(me.body).toEqual(res.body);
  });

  it('starts a fresh session with a new id and secret on every sign-in', async () => {
    const user = await seedUser(t);
    const first = await login(user.email, user.password).expect(200);
    const second = await login(user.email, user.password).expect(200);
    expect(second.body.session.id).not.toBe(first.body.session.id);
    expect(sessionCookieOf(second)).not.toBe(sessionCookieOf(first));
    const rows = await t.prisma.session.findMany({ where: { userId: user.userId } });
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(sessionCookieOf(first) + sessionCookieOf(second)).not.toContain(row.secretHash);
  });

  it('accepts the address in any case and with surrounding spaces', async () => {
    const user = await seedUser(t);
    await login(`  ${user.email.toUpperCase()} `, user.password).expect(200);
  });

  it('gives the same 401 for an unknown address and for a wrong password, without a cookie', async () => {
    const user = await seedUser(t);
    const wrong = await login(user.email, 'not the password at all').expect(401);
    const unknown = await login(uniqueEmail('nobody'), 'not the password at all').expect(401);
    expect(wrong.body.error).toMatchObject({ type: 'authentication_error', code: 'invalid_credentials' });
    expect(withoutRequestId(unknown.body)).toEqual(withoutRequestId(wrong.body));
    expect(setCookies(wrong)).toEqual([]);
    expect(setCookies(unknown)).toEqual([]);
  });

  it('refuses an unverified address with 403 email_not_verified, but only once the password is right', async () => {
    const user = await seedUser(t);
    await t.prisma.user.update({ where: { id: user.userId }, data: { emailVerifiedAt: null } });
    const wrong = await login(user.email, 'not the password at all').expect(401);
    expect(wrong.body.error.code).toBe('invalid_credentials');
    const right = await login(user.email, user.password).expect(403);
    expect(right.body.error).toMatchObject({ type: 'permission_error', code: 'email_not_verified' });
    expect(setCookies(right)).toEqual([]);
  });

  it('refuses a user whose account is closed with 403 account_closed', async () => {
    const user = await seedUser(t);
    await t.prisma.account.update({ where: { id: user.accountId }, data: { status: 'closed', closedAt: new Date() } });
    const res = await login(user.email, user.password).expect(403);
    expect(res.body.error.code).toBe('account_closed');
    expect(setCookies(res)).toEqual([]);
  });

  it('locks the address out (from this client) after 5 consecutive wrong passwords, also for the right one, with Retry-After', async () => {
    const user = await seedUser(t);
    for (let i = 0; i < 5; i++) await login(user.email, `wrong password ${i}`).expect(401);
    for (const password of ['wrong password 6', user.password]) {
      const res = await login(user.email, password).expect(429);
      expect(res.body.error).toMatchObject({ type: 'rate_limit_error', code: 'too_many_failed_logins' });
      const retryAfter = Number(res.headers['retry-after']);
      expect(Number.isInteger(retryAfter)).toBe(true);
      expect(retryAfter).toBeGreaterThan(14 * 60);
      expect(retryAfter).toBeLessThanOrEqual(15 * 60);
      expect(setCookies(res)).toEqual([]);
    }

    // When the lock has run out (moved in the database), the right password works again and the count starts from zero.
    await t.prisma.loginThrottle.updateMany({ where: { lockedUntil: { not: null } }, data: { lockedUntil: new Date(Date.now() - 1000) } });
    await login(user.email, user.password).expect(200);
    for (let i = 0; i < 4; i++) await login(user.email, `wrong password ${i}`).expect(401);
    await login(user.email, user.password).expect(200);
  });

  it('forgets earlier failures after a successful sign-in', async () => {
    const user = await seedUser(t);
    for (let i = 0; i < 4; i++) await login(user.email, `wrong password ${i}`).expect(401);
    await login(user.email, user.password).expect(200);
    for (let i = 0; i < 4; i++) await login(user.email, `wrong password ${i}`).expect(401);
    await login(user.email, user.password).expect(200);
  });

  it('counts concurrent wrong passwords without losing any', async () => {
    const user = await seedUser(t);
    await Promise.all([0, 1, 2].map((i) => login(user.email, `wrong password ${i}`).expect(401)));
    const addressKey = new KeyedHash(t.config.apiKeyPepper).digest('login-throttle', `address:${user.email.toLowerCase()}`);
    const rows = await t.prisma.loginThrottle.findMany({ where: { addressKey } });
    expect(rows.map((r) => r.failures)).toEqual([3, 3]);
  });

  it('answers a user with MFA on with an mfa_token and no cookie, storing only a hash of the token', async () => {
    const user = await seedUser(t);
    await t.prisma.user.update({ where: { id: user.userId }, data: { mfaEnabled: true } });
    const res = await login(user.email, user.password).expect(200);
    expect(res.body).toEqual({ mfa_required: true, mfa_token: expect.any(String) });
    expect(setCookies(res)).toEqual([]);
    expect(await t.prisma.session.count({ where: { userId: user.userId } })).toBe(0);
    const challenge = await t.prisma.mfaChallenge.findUniqueOrThrow({
      where: { tokenHash: createHash('sha256').update(res.body.mfa_token).digest('hex') },
    });
    expect(challenge).toMatchObject({ userId: user.userId, accountId: user.accountId, method: 'password', usedAt: null });
    const ttl = challenge.expiresAt.getTime() - challenge.createdAt.getTime();
    expect(ttl).toBeGreaterThan(4 * 60_000);
    expect(ttl).toBeLessThanOrEqual(5 * 60_000 + 1000);
  });

  it('signs out: the session is revoked, the cookie cleared and refused on its next request', async () => {
    const user = await seedUser(t);
    const signedIn = await login(user.email, user.password).expect(200);
    const cookie = sessionCookieOf(signedIn);
    const out = await t.http().post('/v1/auth/logout').set('Cookie', cookie).set('Origin', TEST_ORIGIN).expect(204);
    expect(setCookies(out).some((c) => /^didhub_sid=;/.test(c) && /expires=thu, 01 jan 1970/i.test(c))).toBe(true);
    await t.http().get('/v1/auth/me').set('Cookie', cookie).expect(401);
    const row = await t.prisma.session.findUniqueOrThrow({ where: { id: signedIn.body.session.id } });
    expect(row.revokedAt).not.toBeNull();
  });

  it('refuses sign-out from another origin and me/sign-out to an API key', async () => {
    const user = await seedUser(t, { apiKeysEnabled: true });
    const cookie = sessionCookieOf(await login(user.email, user.password).expect(200));
    const csrf = await t.http().post('/v1/auth/logout').set('Cookie', cookie).set('Origin', 'https://evil.example').expect(403);
    expect(csrf.body.error.code).toBe('csrf_origin_mismatch');
    await t.http().get('/v1/auth/me').set('Cookie', cookie).expect(200);

    const key = await seedApiKey(t, user.accountId);
    const me = await bearerClient(t, key).get('/v1/auth/me').expect(403);
    expect(me.body.error.code).toBe('session_required');
    await t.http().get('/v1/auth/me').expect(401);
  });

  it.each([
    [{ email: 'not-an-email', password: 'whatever123' }, 'email'],
    [{ password: 'whatever123' }, 'email'],
    [{ email: 'a@example.com' }, 'password'],
    [{ email: 'a@example.com', password: ['x'] }, 'password'],
    [{ email: 'a@example.com', password: 'x'.repeat(129) }, 'password'],
    [{ email: 'a@example.com', password: 'whatever123', remember: true }, 'remember', 'unknown_parameter'],
  ])('answers 400 naming the bad field (%#)', async (body, param, code = 'parameter_invalid') => {
    const res = await t.http().post('/v1/auth/login').send(body).expect(400);
    expect(res.body.error).toMatchObject({ code, param });
  });

  it('documents every sign-in endpoint in the OpenAPI document with its auth and body', async () => {
    const doc = (await t.http().get('/docs/openapi.json').expect(200)).body;
    const expected: [string, string, boolean][] = [
      ['post', '/v1/auth/signup', true],
      ['post', '/v1/auth/verify-email', true],
      ['post', '/v1/auth/login', true],
      ['post', '/v1/auth/logout', false],
      ['get', '/v1/auth/me', false],
      ['post', '/v1/auth/password/change', false],
      ['post', '/v1/auth/password/forgot', true],
      ['post', '/v1/auth/password/reset', true],
      ['get', '/v1/auth/login-history', false],
    ];
    for (const [method, path, isPublic] of expected) {
      const operation = doc.paths[path]?.[method];
      expect(operation).toBeDefined();
      if (isPublic) expect(operation.security).toEqual([]);
      else expect(operation.security).toEqual([{ didhub_sid: [] }]);
    }
    const loginBody = doc.paths['/v1/auth/login'].post.requestBody.content['application/json'].schema.$ref as string;
    expect(Object.keys(doc.components.schemas[loginBody.split('/').pop()!].properties)).toEqual(['email', 'password']);
    expect(JSON.stringify(doc.paths['/v1/auth/login'].post.responses['200'])).toContain('#/components/schemas/MfaRequired"');
  });
});
