import speakeasy from 'speakeasy';
import { sessionCookieOf, setCookies } from '../support/cookies';
import { mailsTo } from '../support/mailbox';
import { bearerClient, seedApiKey, seedUser, sessionClient, type SeededUser } from '../support/seed';
import { startTestApp, TEST_ADMIN_TOKEN, TEST_ORIGIN, type TestApp, type TestClient } from '../support/test-app';

const codeAt = (secret: string, offsetSteps = 0) =>
  speakeasy.totp({ secret, encoding: 'base32', time: Math.floor(Date.now() / 1000) + offsetSteps * 30 });

describe('account closure and reopening', () => {
  let t: TestApp;
  const operator = (): TestClient => t.http().set('Authorization', `Bearer ${TEST_ADMIN_TOKEN}`);
  const login = (user: SeededUser) =>
    t.http().post('/v1/auth/login').set('Origin', TEST_ORIGIN).send({ email: user.email, password: user.password });

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('closes the account: every session and key revoked, sign-in refused, owners told when anonymisation happens', async () => {
    const owner = await seedUser(t, { apiKeysEnabled: true });
    const coOwner = await seedUser(t, { accountId: owner.accountId, role: 'owner' });
    const member = await seedUser(t, { accountId: owner.accountId, role: 'member' });
    const memberSession = await sessionClient(t, member);
    const key = await seedApiKey(t, owner.accountId);
    expect((await bearerClient(t, key).get('/v1/account')).status).toBe(200);

    const client = await sessionClient(t, owner);
    const res = await client.post('/v1/account/close').send({ password: owner.password });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      object: 'account',
      id: owner.accountId,
      status: 'closed',
      closed_at: expect.any(String),
      anonymize_after: expect.any(String),
    });
    const closedAt = new Date(res.body.closed_at).getTime();
    expect(new Date(res.body.anonymize_after).getTime() - closedAt).toBe(30 * 24 * 3600 * 1000);
    expect(setCookies(res).some((c) => c.startsWith('didhub_sid=;'))).toBe(true);

    // Nothing acts for the account any more: the closer's session, a member's, the key.
    expect((await client.get('/v1/account')).status).toBe(401);
    expect((await memberSession.get('/v1/account')).status).toBe(401);
    expect((await bearerClient(t, key).get('/v1/account')).status).toBe(401);
    const sessions = await t.prisma.session.findMany({ where: { accountId: owner.accountId } });
    expect(sessions.length).toBeGreaterThan(0);
    expect(sessions.every((s) => s.revokedAt !== null)).toBe(true);

    const signIn = await login(owner);
    expect(signIn.status).toBe(403);
    expect(signIn.body.error.code).toBe('account_closed');

    const date = res.body.anonymize_after.slice(0, 10);
    for (const address of [owner.email, coOwner.email]) {
      const mails = mailsTo(t, address).filter((m) => m.subject === 'Your DIDHub account was closed');
      expect(mails).toHaveLength(1);
      expect(mails[0].raw).toContain(date);
    }
    expect(mailsTo(t, member.email).filter((m) => m.subject === 'Your DIDHub account was closed')).toHaveLength(0);
  });

  it('is idempotent: two closings at once close once and mail once', async () => {
    const owner = await seedUser(t);
    const client = await sessionClient(t, owner);
    const [a, b] = await Promise.all([
      client.post('/v1/account/close').send({ password: owner.password }),
      client.post('/v1/account/close').send({ password: owner.password }),
    ]);
    const ok = [a, b].filter((r) => r.status === 200);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    for (const r of [a, b]) expect([200, 401]).toContain(r.status);
    expect(new Set(ok.map((r) => r.body.closed_at)).size).toBe(1);
    expect(mailsTo(t, owner.email).filter((m) => m.subject === 'Your DIDHub account was closed')).toHaveLength(1);
  });

  it('needs an owner, the right password, and counts wrong passwords toward the lock-out', async () => {
    const owner = await seedUser(t);
    const admin = await seedUser(t, { accountId: owner.accountId, role: 'admin' });
    const byAdmin = await (await sessionClient(t, admin)).post('/v1/account/close').send({ password: admin.password });
    expect(byAdmin.status).toBe(403);
    expect(byAdmin.body.error.code).toBe('owner_role_required');

    const client = await sessionClient(t, owner);
    const missing = await client.post('/v1/account/close').send({});
    expect(missing.status).toBe(400);
    expect(missing.body.error.param).toBe('password');
    for (let i = 0; i < 5; i++) {
      const wrong = await client.post('/v1/account/close').send({ password: 'not the password' });
      expect(wrong.status).toBe(401);
      expect(wrong.body.error).toMatchObject({ code: 'invalid_password', param: 'password' });
    }
    const locked = await client.post('/v1/account/close').send({ password: owner.password });
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('too_many_failed_logins');
    expect((await t.prisma.account.findUniqueOrThrow({ where: { id: owner.accountId } })).status).toBe('active');
  });

  it('with MFA on, needs a current code; wrong codes count toward the lock-out', async () => {
    const owner = await seedUser(t);
    const client = await sessionClient(t, owner);
    const start = await client.post('/v1/auth/mfa/setup-start').send({});
    const secret = start.body.secret as string;
    await client.post('/v1/auth/mfa/setup-confirm').send({ code: codeAt(secret) }).expect(200);
    await t.prisma.user.update({ where: { id: owner.userId }, data: { mfaLastStep: null } });

    const noCode = await client.post('/v1/account/close').send({ password: owner.password });
    expect(noCode.status).toBe(400);
    expect(noCode.body.error).toMatchObject({ code: 'parameter_missing', param: 'code' });
    const wrongCode = await client.post('/v1/account/close').send({ password: owner.password, code: '000000' === codeAt(secret) ? '111111' : '000000' });
    expect(wrongCode.status).toBe(401);
    expect(wrongCode.body.error.code).toBe('mfa_code_invalid');
    // Wrong codes at closure count toward the second-factor lock-out, like at sign-in.
    for (let i = 0; i < 4; i++) {
      await client.post('/v1/account/close').send({ password: owner.password, code: '000000' === codeAt(secret) ? '111111' : '000000' }).expect(401);
    }
    const locked = await client.post('/v1/account/close').send({ password: owner.password, code: codeAt(secret) });
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('mfa_locked');
    await t.prisma.mfaChallenge.updateMany({ where: { userId: owner.userId }, data: { lockedUntil: new Date(Date.now() - 1000) } });

    const ok = await client.post('/v1/account/close').send({ password: owner.password, code: codeAt(secret) });
    expect(ok.status).toBe(200);
    expect(ok.body.status).toBe('closed');
  });

  it('is refused for API keys', async () => {
    const owner = await seedUser(t, { apiKeysEnabled: true });
    const key = await seedApiKey(t, owner.accountId);
    const res = await bearerClient(t, key).post('/v1/account/close').send({ password: owner.password });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('session_required');
  });

  it('the operator reopens a closed account; its members sign in again, revoked keys stay revoked', async () => {
    const owner = await seedUser(t, { apiKeysEnabled: true });
    const key = await seedApiKey(t, owner.accountId);
    await (await sessionClient(t, owner)).post('/v1/account/close').send({ password: owner.password }).expect(200);

    const reopened = await operator().post(`/v1/admin/accounts/${owner.accountId}/reopen`).send({});
    expect(reopened.status).toBe(200);
    expect(reopened.body).toMatchObject({ id: owner.accountId, status: 'active', closed_at: null });
    const signIn = await login(owner);
    expect(signIn.status).toBe(200);
    expect((await t.http().get('/v1/account').set('Cookie', sessionCookieOf(signIn))).body.status).toBe('active');
    expect((await bearerClient(t, key).get('/v1/account')).status).toBe(401);

    // Reopening an open account changes nothing.
    expect((await operator().post(`/v1/admin/accounts/${owner.accountId}/reopen`).send({})).body.status).toBe('active');
    expect((await operator().post('/v1/admin/accounts/acct_0000000000000000000000/reopen').send({})).status).toBe(404);
  });

  it('cannot reopen once anonymisation has started', async () => {
    for (const status of ['anonymizing', 'anonymized']) {
      const owner = await seedUser(t);
      await t.prisma.account.update({ where: { id: owner.accountId }, data: { status, closedAt: new Date() } });
      const res = await operator().post(`/v1/admin/accounts/${owner.accountId}/reopen`).send({});
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('account_anonymized');
    }
  });
});

describe('invoices', () => {
  let t: TestApp;
  const operator = (): TestClient => t.http().set('Authorization', `Bearer ${TEST_ADMIN_TOKEN}`);

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('the operator records invoices; owners and admins list theirs, newest first', async () => {
    const owner = await seedUser(t);
    const other = await seedUser(t);
    const body = (issued: string, extra: object = {}) => ({
      account_id: owner.accountId,
      period_start: '2026-09-01',
      period_end: '2026-09-30',
      amount: '149.9',
      currency: 'EUR',
      jurisdiction: 'DE',
      issued_at: issued,
      ...extra,
    });
    const first = await operator().post('/v1/admin/invoices').send(body('2026-10-01T00:00:00.000Z'));
    expect(first.status).toBe(201);
    expect(first.body).toEqual({
      id: expect.stringMatching(/^in_/),
      object: 'invoice',
      account_id: owner.accountId,
      period_start: '2026-09-01',
      period_end: '2026-09-30',
      amount: '149.9000',
      currency: 'EUR',
      jurisdiction: 'DE',
      issued_at: '2026-10-01T00:00:00.000Z',
    });
    await operator().post('/v1/admin/invoices').send(body('2026-11-01T00:00:00.000Z', { jurisdiction: 'US' })).expect(201);
    await operator().post('/v1/admin/invoices').send(body('2026-11-01T00:00:00.000Z', { account_id: other.accountId })).expect(201);

    const page1 = await (await sessionClient(t, owner)).get('/v1/invoices?limit=1');
    expect(page1.status).toBe(200);
    expect(page1.body.data.map((i: { jurisdiction: string }) => i.jurisdiction)).toEqual(['US']);
    const page2 = await (await sessionClient(t, owner)).get(`/v1/invoices?limit=1&cursor=${encodeURIComponent(page1.body.next_cursor)}`);
    expect(page2.body.data.map((i: { id: string }) => i.id)).toEqual([first.body.id]);
    expect(page2.body.has_more).toBe(false);

    const member = await seedUser(t, { accountId: owner.accountId, role: 'member' });
    expect((await (await sessionClient(t, member)).get('/v1/invoices')).status).toBe(403);
  });

  it.each([
    [{ amount: 'ten' }, 'amount'],
    [{ currency: 'eur' }, 'currency'],
    [{ jurisdiction: 'DEU' }, 'jurisdiction'],
    [{ period_start: '2026-13-01' }, 'period_start'],
    [{ period_end: '2026-08-01' }, 'period_end'],
    [{ issued_at: 'yesterday' }, 'issued_at'],
    [{ account_id: 'acct_0000000000000000000000' }, 'account_id'],
    [{ extra: 1 }, 'extra'],
  ])('refuses %j with 400 naming %s', async (change, param) => {
    const owner = await seedUser(t);
    const res = await operator()
      .post('/v1/admin/invoices')
      .send({
        account_id: owner.accountId,
        period_start: '2026-09-01',
        period_end: '2026-09-30',
        amount: '1.00',
        currency: 'EUR',
        jurisdiction: 'DE',
        issued_at: '2026-10-01T00:00:00Z',
        ...change,
      });
    expect(res.status).toBe(400);
    expect(res.body.error.param).toBe(param);
    expect(await t.prisma.invoice.count({ where: { accountId: owner.accountId } })).toBe(0);
  });
});
