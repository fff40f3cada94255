import { awaitNewToken, latestToken } from '../support/mailbox';
import { seedApiKey, bearerClient, seedUser, sessionClient, uniqueEmail } from '../support/seed';
import { startTestApp, TEST_ORIGIN, type TestApp } from '../support/test-app';
import { sessionCookieOf } from '../support/cookies';


describe('login history', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const login = (email: string, password: string, agent = 'history-test/1.0') =>
    t.http().post('/v1/auth/login').set('User-Agent', agent).send({ email, password });

  it('records every attempt with method, failure reason, ip and user agent, newest first', async () => {
    const user = await seedUser(t);
    await login(user.email, 'wrong password here', 'agent-one').expect(401);
    await t.prisma.user.update({ where: { id: user.userId }, data: { emailVerifiedAt: null } });
    await login(user.email, user.password, 'agent-two').expect(403);
    await t.prisma.user.update({ where: { id: user.userId }, data: { emailVerifiedAt: new Date() } });
    const signedIn = await login(user.email, user.password, 'agent-three').expect(200);

    const res = await t.http().get('/v1/auth/login-history').set('Cookie', sessionCookieOf(signedIn)).expect(200);
    expect(res.body).toMatchObject({ object: 'list', has_more: false, next_cursor: null });
    expect(res.body.data).toEqual([
      {
        id: expect.stringMatching(/^la_/),
        object: 'login_attempt',
        success: true,
        method: 'password',
        failure_reason: null,
        ip: '127.0.0.1',
        user_agent: 'agent-three',
        created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
      },
      expect.objectContaining({ success: false, method: 'password', failure_reason: 'email_not_verified', user_agent: 'agent-two' }),
      expect.objectContaining({ success: false, method: 'password', failure_reason: 'invalid_password', user_agent: 'agent-one' }),
    ]);
  });

  it('records lock-outs, closed accounts and the verify_email and password_reset methods', async () => {
    const user = await seedUser(t);
    for (let i = 0; i < 5; i++) await login(user.email, `wrong password ${i}`).expect(401);
    await login(user.email, user.password).expect(429);
    await t.http().post('/v1/auth/password/forgot').send({ email: user.email }).expect(202);
    const token = await awaitNewToken(t, user.email, 'Reset', 0);
    const reset = await t.http().post('/v1/auth/password/reset').send({ token, new_password: 'a brand new passphrase 9' }).expect(200);
    await t.http().post('/v1/auth/password/reset').send({ token, new_password: 'a brand new passphrase 9' }).expect(400);

    const res = await t.http().get('/v1/auth/login-history?limit=3').set('Cookie', sessionCookieOf(reset)).expect(200);
    expect(res.body.data.map((a: { method: string; success: boolean; failure_reason: string | null }) => [a.method, a.success, a.failure_reason])).toEqual([
      ['password_reset', false, 'token_used'],
      ['password_reset', true, null],
      ['password', false, 'locked_out'],
    ]);

    const email = uniqueEmail('verify-history');
    await t.http().post('/v1/auth/signup').send({ email, password: 'a sturdy passphrase 42', name: 'V', account_name: 'V Ltd' }).expect(202);
    const verified = await t.http().post('/v1/auth/verify-email').send({ token: latestToken(t, email, 'Verify') }).expect(200);
    const history = await t.http().get('/v1/auth/login-history').set('Cookie', sessionCookieOf(verified)).expect(200);
    expect(history.body.data).toEqual([expect.objectContaining({ method: 'verify_email', success: true })]);

    const closed = await seedUser(t);
    await t.prisma.account.update({ where: { id: closed.accountId }, data: { status: 'closed' } });
    await login(closed.email, closed.password).expect(403);
    const row = await t.prisma.loginAttempt.findFirstOrThrow({ where: { userId: closed.userId } });
    expect(row).toMatchObject({ success: false, failureReason: 'account_closed' });
  });

  it('pages with a keyset cursor, newest first, without gaps or repeats', async () => {
    const user = await seedUser(t);
    for (let i = 0; i < 5; i++) {
      await login(user.email, `wrong password ${i}`, `agent-${i}`).expect(401);
      await t.prisma.loginThrottle.deleteMany({});
    }
    const client = await sessionClient(t, user);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { body: { data: { user_agent: string }[]; has_more: boolean; next_cursor: string | null } } = await client
        .get('/v1/auth/login-history')
        .query({ limit: 2, ...(cursor ? { cursor } : {}) })
        .expect(200);
      seen.push(...res.body.data.map((a) => a.user_agent));
      cursor = res.body.next_cursor;
      expect(res.body.has_more).toBe(cursor !== null);
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(['agent-4', 'agent-3', 'agent-2', 'agent-1', 'agent-0']);

    const bad = await client.get('/v1/auth/login-history').query({ cursor: 'forged.cursor' }).expect(400);
    expect(bad.body.error.param).toBe('cursor');
    const badLimit = await client.get('/v1/auth/login-history').query({ limit: 101 }).expect(400);
    expect(badLimit.body.error.param).toBe('limit');
  });

  it("shows only the user's own attempts; unknown addresses are recorded for nobody, without the address", async () => {
    const me = await seedUser(t);
    const other = await seedUser(t);
    await login(other.email, 'wrong password here').expect(401);
    const stranger = uniqueEmail('stranger');
    await login(stranger, 'wrong password here', 'stranger-agent').expect(401);
    const anonymous = await t.prisma.loginAttempt.findMany({ where: { userId: null, userAgent: 'stranger-agent' } });
    expect(anonymous).toHaveLength(1);
    expect(anonymous[0]).toMatchObject({ success: false, method: 'password' });
    expect(JSON.stringify(anonymous)).not.toContain(stranger);

    const client = await sessionClient(t, me);
    const res = await client.get('/v1/auth/login-history').expect(200);
    expect(res.body.data).toEqual([]);
  });

  it('ignores X-Forwarded-For when no proxy is trusted', async () => {
    const user = await seedUser(t);
    await login(user.email, 'wrong password here').set('X-Forwarded-For', '203.0.113.9').expect(401);
    const row = await t.prisma.loginAttempt.findFirstOrThrow({ where: { userId: user.userId } });
    expect(row.ip).toBe('127.0.0.1');
  });

  it('is for dashboard sessions only', async () => {
    const user = await seedUser(t, { apiKeysEnabled: true });
    const key = await seedApiKey(t, user.accountId);
    const res = await bearerClient(t, key).get('/v1/auth/login-history').expect(403);
    expect(res.body.error.code).toBe('session_required');
    await t.http().get('/v1/auth/login-history').expect(401);
  });
});

describe('login history behind a trusted proxy', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { TRUST_PROXY: '127.0.0.1' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('records the client address from X-Forwarded-For sent by the trusted proxy', async () => {
    expect(t.url).toMatch(/^http:/);
    const user = await seedUser(t);
    const viaProxy = (path: string) =>
      t.http().post(path).set('X-Forwarded-Proto', 'https').set('X-Forwarded-For', '203.0.113.7');
    await viaProxy('/v1/auth/login').send({ email: user.email, password: 'wrong password here' }).expect(401);
    const signedIn = await viaProxy('/v1/auth/login').send({ email: user.email, password: user.password }).expect(200);

    // Over plain HTTP the agent would not send a Secure cookie back by itself.
    const res = await t.http()
      .get('/v1/auth/login-history')
      .set('X-Forwarded-Proto', 'https')
      .set('Cookie', sessionCookieOf(signedIn))
      .set('Origin', TEST_ORIGIN)
      .expect(200);
    expect(res.body.data.map((a: { ip: string }) => a.ip)).toEqual(['203.0.113.7', '203.0.113.7']);
  });
});
