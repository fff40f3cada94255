import { createHash } from 'node:crypto';
import { awaitNewToken, countMails, mailsTo } from '../support/mailbox';
import { bearerClient, seedApiKey, seedSessionCookie, seedUser, uniqueEmail, type SeededUser } from '../support/seed';
import { startTestApp, TEST_ORIGIN, type TestApp } from '../support/test-app';
import { setCookies, sessionCookieOf } from '../support/cookies';

const NEW_PASSWORD = 'a brand new passphrase 9';

describe('password change, forgotten password and reset', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const login = (email: string, password: string) => t.http().post('/v1/auth/login').send({ email, password });
  const signIn = async (user: SeededUser) => sessionCookieOf(await login(user.email, user.password).expect(200));
  const change = (cookie: string, body: Record<string, unknown>) =>
    t.http().post('/v1/auth/password/change').set('Cookie', cookie).set('Origin', TEST_ORIGIN).send(body);
  const requestReset = async (email: string) => {
    const before = countMails(t, email, 'Reset');
    await t.http().post('/v1/auth/password/forgot').send({ email }).expect(202, { status: 'accepted' });
    return awaitNewToken(t, email, 'Reset', before);
  };

  describe('change', () => {
    it('keeps the session that changed it and signs out every other one on its next request', async () => {
      const user = await seedUser(t);
      const here = await signIn(user);
      const elsewhere = await signIn(user);
      await t.http().get('/v1/auth/me').set('Cookie', elsewhere).expect(200);

      await change(here, { current_password: user.password, new_password: NEW_PASSWORD }).expect(204);

      await t.http().get('/v1/auth/me').set('Cookie', here).expect(200);
      const refused = await t.http().get('/v1/auth/me').set('Cookie', elsewhere).expect(401);
      expect(refused.body.error.code).toBe('authentication_required');
      await login(user.email, user.password).expect(401);
      await login(user.email, NEW_PASSWORD).expect(200);
    });

    it('refuses a wrong current password with 400 current_password_incorrect and changes nothing', async () => {
      const user = await seedUser(t);
      const here = await signIn(user);
      const elsewhere = await signIn(user);
      const res = await change(here, { current_password: 'not my password', new_password: NEW_PASSWORD }).expect(400);
      expect(res.body.error).toMatchObject({ code: 'current_password_incorrect', param: 'current_password' });
      await t.http().get('/v1/auth/me').set('Cookie', elsewhere).expect(200);
      await login(user.email, user.password).expect(200);
    });

    it('refuses a weak or unchanged new password naming new_password', async () => {
      const user = await seedUser(t);
      const here = await signIn(user);
      for (const new_password of ['1234567890', 'short', user.password]) {
        const res = await change(here, { current_password: user.password, new_password }).expect(400);
        expect(res.body.error.param).toBe('new_password');
      }
      const missing = await change(here, { new_password: NEW_PASSWORD }).expect(400);
      expect(missing.body.error.param).toBe('current_password');
    });

    it('is for dashboard sessions only, from an allowed origin', async () => {
      const user = await seedUser(t, { apiKeysEnabled: true });
      const key = await seedApiKey(t, user.accountId);
      const body = { current_password: user.password, new_password: NEW_PASSWORD };
      const byKey = await bearerClient(t, key).post('/v1/auth/password/change').send(body).expect(403);
      expect(byKey.body.error.code).toBe('session_required');
      const cookie = await seedSessionCookie(t, user);
      const noOrigin = await t.http().post('/v1/auth/password/change').set('Cookie', cookie).send(body).expect(403);
      expect(noOrigin.body.error.code).toBe('csrf_origin_mismatch');
      await t.http().post('/v1/auth/password/change').send(body).expect(401);
      await login(user.email, user.password).expect(200);
    });
  });

  describe('forgot and reset', () => {
    it('answers 202 for any address and mails a one-hour link only to a registered one', async () => {
      const stranger = uniqueEmail('stranger');
      await t.http().post('/v1/auth/password/forgot').send({ email: stranger }).expect(202, { status: 'accepted' });
      expect(mailsTo(t, stranger)).toHaveLength(0);

      const user = await seedUser(t);
      const token = await requestReset(user.email);
      const mail = mailsTo(t, user.email)[0];
      expect(mail.raw).toContain(`${TEST_ORIGIN}/reset-password?token=${token}`);
      const row = await t.prisma.emailToken.findUniqueOrThrow({ where: { tokenHash: createHash('sha256').update(token).digest('hex') } });
      expect(row).toMatchObject({ purpose: 'password_reset', userId: user.userId, usedAt: null });
      const ttl = row.expiresAt.getTime() - row.createdAt.getTime();
      expect(ttl).toBeGreaterThan(59 * 60_000);
      expect(ttl).toBeLessThanOrEqual(60 * 60_000 + 1000);
    });

    it('sets the new password, signs out every session, signs in, and works only once', async () => {
      const user = await seedUser(t);
      const before = [await signIn(user), await signIn(user)];
      const token = await requestReset(user.email);

      const res = await t.http().post('/v1/auth/password/reset').send({ token, new_password: NEW_PASSWORD }).expect(200);
      expect(res.body.user.id).toBe(user.userId);
      const fresh = sessionCookieOf(res);
      for (const cookie of before) await t.http().get('/v1/auth/me').set('Cookie', cookie).expect(401);
      await t.http().get('/v1/auth/me').set('Cookie', fresh).expect(200);

      await login(user.email, user.password).expect(401);
      await login(user.email, NEW_PASSWORD).expect(200);

      const again = await t.http().post('/v1/auth/password/reset').send({ token, new_password: 'yet another passphrase 1' }).expect(400);
      expect(again.body.error).toMatchObject({ code: 'token_invalid', param: 'token' });
      await login(user.email, NEW_PASSWORD).expect(200);
    });

    it('refuses an expired token', async () => {
      const user = await seedUser(t);
      const token = await requestReset(user.email);
      await t.prisma.emailToken.updateMany({
        where: { tokenHash: createHash('sha256').update(token).digest('hex') },
        data: { expiresAt: new Date(Date.now() - 1000) },
      });
      const res = await t.http().post('/v1/auth/password/reset').send({ token, new_password: NEW_PASSWORD }).expect(400);
      expect(res.body.error.code).toBe('token_invalid');
      await login(user.email, user.password).expect(200);
    });

    it('refuses a weak new password without spending the token', async () => {
      const user = await seedUser(t);
      const token = await requestReset(user.email);
      const weak = await t.http().post('/v1/auth/password/reset').send({ token, new_password: 'qwertyuiop' }).expect(400);
      expect(weak.body.error).toMatchObject({ code: 'password_too_weak', param: 'new_password' });
      await t.http().post('/v1/auth/password/reset').send({ token, new_password: NEW_PASSWORD }).expect(200);
    });

    it('lifts a lock-out', async () => {
      const user = await seedUser(t);
      for (let i = 0; i < 5; i++) await login(user.email, `wrong password ${i}`).expect(401);
      await login(user.email, user.password).expect(429);
      const token = await requestReset(user.email);
      await t.http().post('/v1/auth/password/reset').send({ token, new_password: NEW_PASSWORD }).expect(200);
      await login(user.email, NEW_PASSWORD).expect(200);
    });

    it('asks for the second factor when MFA is on, after revoking every session', async () => {
      const user = await seedUser(t);
      const before = await signIn(user);
      await t.prisma.user.update({ where: { id: user.userId }, data: { mfaEnabled: true } });
      const token = await requestReset(user.email);
      const res = await t.http().post('/v1/auth/password/reset').send({ token, new_password: NEW_PASSWORD }).expect(200);
      expect(res.body).toEqual({ mfa_required: true, mfa_token: expect.any(String) });
      expect(setCookies(res)).toEqual([]);
      await t.http().get('/v1/auth/me').set('Cookie', before).expect(401);
      const challenge = await t.prisma.mfaChallenge.findUniqueOrThrow({
        where: { tokenHash: createHash('sha256').update(res.body.mfa_token).digest('hex') },
      });
      expect(challenge.method).toBe('password_reset');
    });

    it.each([
      ['/v1/auth/password/forgot', { email: 'nope' }, 'email'],
      ['/v1/auth/password/reset', { new_password: NEW_PASSWORD }, 'token'],
      ['/v1/auth/password/reset', { token: 'abc', new_password: 'short' }, 'new_password'],
    ])('answers 400 naming the bad field (%s %#)', async (path, body, param) => {
      const res = await t.http().post(path).send(body).expect(400);
      expect(res.body.error.param).toBe(param);
    });
  });
});
