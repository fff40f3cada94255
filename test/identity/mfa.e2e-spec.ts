import speakeasy from 'speakeasy';
import { mailsTo } from '../support/mailbox';
import { bearerClient, type SeededUser, seedApiKey, seedUser, sessionClient } from '../support/seed';
import { startTestApp, TEST_ORIGIN, type TestApp } from '../support/test-app';

const codeAt = (secret: string, offsetSteps = 0) =>
  speakeasy.totp({ secret, encoding: 'base32', time: Math.floor(Date.now() / 1000) + offsetSteps * 30 });

describe('MFA (TOTP)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { RATE_LIMIT_AUTH_PER_MINUTE: '100000', RATE_LIMIT_ANON_PER_MINUTE: '100000' } });
  });
  afterAll(async () => {
    await t.close();
  });

  /** Turns MFA on through the API, as the dashboard would; returns the secret and recovery codes. */
  async function enableMfa(user: SeededUser): Promise<{ secret: string; recoveryCodes: string[] }> {
    const client = await sessionClient(t, user);
    const start = await client.post('/v1/auth/mfa/setup-start').send({});
    expect(start.status).toBe(200);
    const secret = start.body.secret as string;
    const confirm = await client.post('/v1/auth/mfa/setup-confirm').send({ code: codeAt(secret) });
    expect(confirm.status).toBe(200);
    // Each test starts from a fresh replay window so its own codes are not mistaken for replays.
    await t.prisma.user.update({ where: { id: user.userId }, data: { mfaLastStep: null } });
    return { secret, recoveryCodes: confirm.body.recovery_codes };
  }

  async function login(user: SeededUser) {
    return t.http().post('/v1/auth/login').set('Origin', TEST_ORIGIN).send({ email: user.email, password: user.password });
  }

  async function mfaToken(user: SeededUser): Promise<string> {
    const res = await login(user);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ mfa_required: true, mfa_token: expect.any(String) });
    return res.body.mfa_token;
  }

  const verify = (mfa_token: string, code: string) =>
    t.http().post('/v1/auth/mfa/verify').set('Origin', TEST_ORIGIN).send({ mfa_token, code });

  it('sets up TOTP: secret, otpauth URL and QR code, then confirm with a current code returns 10 recovery codes once', async () => {
    const user = await seedUser(t);
    const client = await sessionClient(t, user);
    const start = await client.post('/v1/auth/mfa/setup-start').send({});
    expect(start.status).toBe(200);
    expect(start.body).toMatchObject({ id: user.userId, object: 'mfa_setup' });
    expect(start.body.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(start.body.otpauth_url).toMatch(/^otpauth:\/\/totp\//);
    expect(new URL(start.body.otpauth_url).searchParams.get('secret')).toBe(start.body.secret);
    expect(start.body.qr_code).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(Buffer.from(start.body.qr_code.split(',')[1], 'base64').toString()).toContain('<svg');

    const wrong = await client.post('/v1/auth/mfa/setup-confirm').send({ code: codeAt(start.body.secret, 5) });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toMatchObject({ code: 'mfa_code_invalid', param: 'code' });
    expect((await t.prisma.user.findUniqueOrThrow({ where: { id: user.userId } })).mfaEnabled).toBe(false);

    const confirm = await client.post('/v1/auth/mfa/setup-confirm').send({ code: codeAt(start.body.secret) });
    expect(confirm.status).toBe(200);
    expect(confirm.body).toMatchObject({ id: user.userId, object: 'mfa_status', enabled: true });
    expect(confirm.body.recovery_codes).toHaveLength(10);
    expect(new Set(confirm.body.recovery_codes).size).toBe(10);
    expect(mailsTo(t, user.email).some((m) => m.subject.includes('turned on'))).toBe(true);

    const again = await client.post('/v1/auth/mfa/setup-confirm').send({ code: codeAt(start.body.secret) });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('mfa_already_enabled');
    expect((await client.post('/v1/auth/mfa/setup-start').send({})).status).toBe(409);
  });

  it('refuses setup-confirm before setup-start and setup with a bearer key', async () => {
    const user = await seedUser(t, { apiKeysEnabled: true });
    const client = await sessionClient(t, user);
    const res = await client.post('/v1/auth/mfa/setup-confirm').send({ code: '123456' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('mfa_setup_not_started');
    const key = await seedApiKey(t, user.accountId);
    const byKey = await bearerClient(t, key).post('/v1/auth/mfa/setup-start').send({});
    expect(byKey.status).toBe(403);
    expect(byKey.body.error.code).toBe('session_required');
  });

  it('stops password sign-in at the second factor without a cookie; a TOTP code then issues an mfa session', async () => {
    const user = await seedUser(t);
    const { secret } = await enableMfa(user);
    const res = await login(user);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ mfa_required: true, mfa_token: expect.any(String) });
    expect(res.headers['set-cookie']).toBeUndefined();

    const ok = await verify(res.body.mfa_token, codeAt(secret));
    expect(ok.status).toBe(200);
    expect(ok.body.session).toMatchObject({ object: 'session', auth_level: 'mfa' });
    expect(ok.body.user).toMatchObject({ id: user.userId, mfa_enabled: true });
    const cookie = (ok.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('didhub_sid='));
    expect(cookie).toBeDefined();
    const me = await t.http().get('/v1/auth/me').set('Cookie', cookie!.split(';')[0]);
    expect(me.status).toBe(200);
    const session = await t.prisma.session.findUniqueOrThrow({ where: { id: ok.body.session.id } });
    expect(session.authLevel).toBe('mfa');

    // Single use: the same mfa_token cannot start a second session.
    const reuse = await verify(res.body.mfa_token, codeAt(secret, 1));
    expect(reuse.status).toBe(401);
    expect(reuse.body.error).toMatchObject({ code: 'mfa_token_invalid', param: 'mfa_token' });
  });

  it('refuses a wrong code and an unknown or expired mfa_token', async () => {
    const user = await seedUser(t);
    const { secret } = await enableMfa(user);
    const token = await mfaToken(user);
    const wrong = await verify(token, codeAt(secret, 10));
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toMatchObject({ code: 'mfa_code_invalid', param: 'code' });
    expect(wrong.headers['set-cookie']).toBeUndefined();

    expect((await verify('mfa_unknown', codeAt(secret))).body.error.code).toBe('mfa_token_invalid');
    const expiring = await mfaToken(user);
    await t.prisma.mfaChallenge.updateMany({ where: { userId: user.userId, usedAt: null }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const expired = await verify(expiring, codeAt(secret));
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe('mfa_token_invalid');
    const missing = await t.http().post('/v1/auth/mfa/verify').send({ mfa_token: token });
    expect(missing.status).toBe(400);
    expect(missing.body.error.param).toBe('code');
  });

  it('accepts a TOTP code only once: the same code is refused the second time', async () => {
    const user = await seedUser(t);
    const { secret } = await enableMfa(user);
    const code = codeAt(secret);
    expect((await verify(await mfaToken(user), code)).status).toBe(200);
    const replay = await verify(await mfaToken(user), code);
    expect(replay.status).toBe(401);
    expect(replay.body.error.code).toBe('mfa_code_invalid');
  });

  it('accepts a recovery code once', async () => {
    const user = await seedUser(t);
    const { recoveryCodes } = await enableMfa(user);
    const first = await verify(await mfaToken(user), recoveryCodes[3].toUpperCase());
    expect(first.status).toBe(200);
    expect(first.body.session.auth_level).toBe('mfa');
    const second = await verify(await mfaToken(user), recoveryCodes[3]);
    expect(second.status).toBe(401);
    expect(second.body.error.code).toBe('mfa_code_invalid');
    expect(await t.prisma.mfaRecoveryCode.count({ where: { userId: user.userId, usedAt: { not: null } } })).toBe(1);
  });

  it('locks the sign-in after 5 wrong codes: 429 with Retry-After, even for the right code and a new sign-in', async () => {
    const user = await seedUser(t);
    const { secret } = await enableMfa(user);
    const token = await mfaToken(user);
    for (let i = 0; i < 5; i++) {
      const res = await verify(token, String((Number(codeAt(secret)) + 1 + i) % 1_000_000).padStart(6, '0'));
      expect(res.status).toBe(401);
    }
    const locked = await verify(token, codeAt(secret));
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('mfa_locked');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    expect(locked.headers['set-cookie']).toBeUndefined();

    const fresh = await verify(await mfaToken(user), codeAt(secret));
    expect(fresh.status).toBe(429);
    expect(fresh.body.error.code).toBe('mfa_locked');
  });

  it('records MFA successes and failures in the login history', async () => {
    const user = await seedUser(t);
    const { secret } = await enableMfa(user);
    const token = await mfaToken(user);
    await verify(token, codeAt(secret, 10));
    await verify(token, codeAt(secret));
    const client = await sessionClient(t, user);
    const history = await client.get('/v1/auth/login-history');
    expect(history.status).toBe(200);
    const mfa = history.body.data.filter((a: { method: string }) => a.method === 'mfa');
    expect(mfa.map((a: { success: boolean }) => a.success).sort()).toEqual([false, true]);
    expect(mfa.find((a: { success: boolean }) => !a.success).failure_reason).toBe('invalid_mfa_code');
  });

  it('leaves API keys working for an account whose owner has MFA', async () => {
    const user = await seedUser(t, { apiKeysEnabled: true });
    await enableMfa(user);
    const key = await seedApiKey(t, user.accountId);
    const res = await bearerClient(t, key).get('/v1/account');
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(user.accountId);
  });

  it('stores no plaintext TOTP secret or recovery code in the database', async () => {
    const user = await seedUser(t);
    const client = await sessionClient(t, user);
    const pending = (await client.post('/v1/auth/mfa/setup-start').send({})).body.secret as string;
    const dump = async () => {
      const rows = await t.prisma.$queryRawUnsafe<unknown[]>(
        `SELECT u.*, (SELECT json_agg(c.*) FROM mfa_recovery_codes c WHERE c.user_id = u.id) AS codes FROM users u WHERE u.id = $1`,
        user.userId,
      );
      return JSON.stringify(rows, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)).toLowerCase();
    };
    expect(await dump()).not.toContain(pending.toLowerCase());
    const confirm = await client.post('/v1/auth/mfa/setup-confirm').send({ code: codeAt(pending) });
    const all = await dump();
    expect(all).toContain('mfa_secret_enc');
    expect(all).not.toContain(pending.toLowerCase());
    for (const code of confirm.body.recovery_codes as string[]) {
      expect(all).not.toContain(code);
      expect(all).not.toContain(code.replace('-', ''));
    }
    const row = await t.prisma.user.findUniqueOrThrow({ where: { id: user.userId } });
    expect(row.mfaSecretEnc).toMatch(/^v1\./);
  });

  it('disables MFA only with a current code (the password alone is refused), and mails the user', async () => {
    const user = await seedUser(t);
    const { secret } = await enableMfa(user);
    const client = await sessionClient(t, user);
    const none = await client.post('/v1/auth/mfa/disable').send({});
    expect(none.status).toBe(400);
    const passwordOnly = await client.post('/v1/auth/mfa/disable').send({ password: user.password });
    expect(passwordOnly.status).toBe(400);
    expect(passwordOnly.body.error).toMatchObject({ code: 'parameter_missing', param: 'code' });
    const wrongCode = await client.post('/v1/auth/mfa/disable').send({ code: codeAt(secret, 10) });
    expect(wrongCode.status).toBe(401);
    const ok = await client.post('/v1/auth/mfa/disable').send({ code: codeAt(secret) });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ object: 'mfa_status', enabled: false });
    expect(mailsTo(t, user.email).some((m) => m.subject.includes('turned off'))).toBe(true);
    const row = await t.prisma.user.findUniqueOrThrow({ where: { id: user.userId } });
    expect(row.mfaSecretEnc).toBeNull();
    expect(await t.prisma.mfaRecoveryCode.count({ where: { userId: user.userId } })).toBe(0);
    const res = await login(user);
    expect(res.status).toBe(200);
    expect(res.body.mfa_required).toBeUndefined();
    expect(res.headers['set-cookie']).toBeDefined();
  });

  it('regenerates recovery codes with a current code; the old ones stop working', async () => {
    const user = await seedUser(t);
    const { secret, recoveryCodes } = await enableMfa(user);
    const client = await sessionClient(t, user);
    const res = await client.post('/v1/auth/mfa/recovery-codes').send({ code: codeAt(secret) });
    expect(res.status).toBe(200);
    expect(res.body.object).toBe('mfa_recovery_codes');
    expect(res.body.recovery_codes).toHaveLength(10);
    expect((await verify(await mfaToken(user), recoveryCodes[0])).status).toBe(401);
    expect((await verify(await mfaToken(user), res.body.recovery_codes[0])).status).toBe(200);
  });

  it('reauthenticate refreshes the session sign-in time: password without MFA, a code with MFA', async () => {
    const plain = await seedUser(t);
    const plainClient = await sessionClient(t, plain);
    await t.prisma.session.updateMany({ where: { userId: plain.userId }, data: { authenticatedAt: new Date(Date.now() - 3600_000) } });
    const wrong = await plainClient.post('/v1/auth/reauthenticate').send({ password: 'nope nope nope' });
    expect(wrong.status).toBe(401);
    const ok = await plainClient.post('/v1/auth/reauthenticate').send({ password: plain.password });
    expect(ok.status).toBe(200);
    expect(ok.body.object).toBe('session');
    const session = await t.prisma.session.findFirstOrThrow({ where: { userId: plain.userId } });
    expect(Date.now() - session.authenticatedAt.getTime()).toBeLessThan(60_000);

    const mfaUser = await seedUser(t);
    const { secret } = await enableMfa(mfaUser);
    const mfaClient = await sessionClient(t, mfaUser);
    const passwordOnly = await mfaClient.post('/v1/auth/reauthenticate').send({ password: mfaUser.password });
    expect(passwordOnly.status).toBe(400);
    expect(passwordOnly.body.error).toMatchObject({ code: 'parameter_missing', param: 'code' });
    expect((await mfaClient.post('/v1/auth/reauthenticate').send({ code: codeAt(secret) })).status).toBe(200);
  });
});
