import request from 'supertest';
import { mailsTo } from '../support/mailbox';
import { seedUser, sessionClient, type SeededUser } from '../support/seed';
import { SoftwareAuthenticator } from '../support/software-authenticator';
import { startTestApp, TEST_ADMIN_TOKEN, TEST_ORIGIN, type TestApp, type TestClient } from '../support/test-app';

const RP_ID = 'didhub.io';

describe('Passkeys (WebAuthn) over HTTP, with a software authenticator', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  const newAuthenticator = (counting = false, origin = TEST_ORIGIN) => new SoftwareAuthenticator({ origin, rpId: RP_ID, counting });
  const cookieOf = (res: request.Response) =>
    ((res.headers['set-cookie'] as unknown as string[] | undefined) ?? []).find((c) => c.startsWith('didhub_sid=') && !c.startsWith('didhub_sid=;'));

  async function register(client: TestClient, authenticator: SoftwareAuthenticator, name = 'Laptop'): Promise<request.Response> {
    const options = await client.post('/v1/auth/passkeys/registration-options').send({});
    expect(options.status).toBe(200);
    return client.post('/v1/auth/passkeys/register').send({ credential: authenticator.register(options.body.options), name });
  }

  async function userWithPasskey(counting = false): Promise<{ user: SeededUser; client: TestClient; authenticator: SoftwareAuthenticator }> {
    const user = await seedUser(t);
    const client = await sessionClient(t, user);
    const authenticator = newAuthenticator(counting);
    const res = await register(client, authenticator);
    expect(res.status).toBe(201);
    return { user, client, authenticator };
  }

  async function signInOptions(): Promise<{ challenge: string; rpId?: string }> {
    const res = await t.http().post('/v1/auth/passkeys/authentication-options').set('Origin', TEST_ORIGIN).send({});
    expect(res.status).toBe(200);
    return res.body.options;
  }

  const loginWith = (credential: unknown) => t.http().post('/v1/auth/login/passkey').set('Origin', TEST_ORIGIN).send({ credential });

  it('registers a passkey after a recent sign-in: only the public key is stored, the user is mailed, the list shows it', async () => {
    const user = await seedUser(t);
    const client = await sessionClient(t, user);
    const authenticator = newAuthenticator();
    const options = await client.post('/v1/auth/passkeys/registration-options').send({});
    expect(options.status).toBe(200);
    expect(options.body.options.rp.id).toBe(RP_ID);
    expect(options.body.options.authenticatorSelection).toMatchObject({ residentKey: 'required', userVerification: 'required' });
    expect(Date.parse(options.body.expires_at) - Date.now()).toBeLessThanOrEqual(5 * 60 * 1000);

    const res = await client.post('/v1/auth/passkeys/register').send({ credential: authenticator.register(options.body.options), name: 'MacBook' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ object: 'passkey', name: 'MacBook', device_type: 'multi_device', backed_up: true, last_used_at: null });
    expect(JSON.stringify(res.body)).not.toMatch(/public_key|credential_id/);
    expect(mailsTo(t, user.email).some((m) => m.subject.includes('passkey was added'))).toBe(true);

    const list = await client.get('/v1/auth/passkeys');
    expect(list.body.data.map((p: { id: string }) => p.id)).toEqual([res.body.id]);
    const me = await client.get('/v1/auth/me');
    expect(me.body.session.auth_level).toBe('passkey');

    // The same challenge works once.
    const replay = await client.post('/v1/auth/passkeys/register').send({ credential: newAuthenticator().register(options.body.options) });
    expect(replay.status).toBe(400);
    expect(replay.body.error.code).toBe('passkey_registration_invalid');
  });

  it('refuses a registration from a foreign origin, an old session, and malformed credentials with a 4xx naming the field', async () => {
    const user = await seedUser(t);
    const client = await sessionClient(t, user);
    const options = await client.post('/v1/auth/passkeys/registration-options').send({});
    const foreign = await client
      .post('/v1/auth/passkeys/register')
      .send({ credential: newAuthenticator().register(options.body.options, { origin: 'https://evil.example' }) });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error).toMatchObject({ code: 'passkey_registration_invalid', param: 'credential' });

    const missing = await client.post('/v1/auth/passkeys/register').send({ credential: { id: 'abc', rawId: 'abc', type: 'public-key', clientExtensionResults: {} } });
    expect(missing.status).toBe(400);
    expect(missing.body.error.param).toBe('credential.response');
    const notBase64 = await client
      .post('/v1/auth/passkeys/register')
      .send({ credential: { ...newAuthenticator().register(options.body.options), rawId: 'not base64url!' } });
    expect(notBase64.status).toBe(400);
    expect(notBase64.body.error.param).toBe('credential.rawId');
    const garbage = await client.post('/v1/auth/passkeys/register').send({
      credential: { id: 'abc', rawId: 'abc', type: 'public-key', clientExtensionResults: {}, response: { clientDataJSON: 'AAAA', attestationObject: 'AAAA' } },
    });
    expect(garbage.status).toBe(400);

    await t.prisma.session.updateMany({ where: { userId: user.userId }, data: { authenticatedAt: new Date(Date.now() - 11 * 60 * 1000) } });
    const stale = await client.post('/v1/auth/passkeys/registration-options').send({});
    expect(stale.status).toBe(403);
    expect(stale.body.error.code).toBe('reauthentication_required');
    expect(await t.prisma.passkey.count({ where: { userId: user.userId } })).toBe(0);
  });

  it('signs in without a password with a discoverable passkey (both factors); a synced passkey’s counter of 0 keeps working', async () => {
    const { user, authenticator } = await userWithPasskey(false);
    for (let i = 0; i < 2; i++) {
      const res = await loginWith(authenticator.assert(await signInOptions()));
      expect(res.status).toBe(200);
      expect(res.body.user.id).toBe(user.userId);
      expect(res.body.session.auth_level).toBe('passkey');
      const me = await t.http().get('/v1/auth/me').set('Cookie', cookieOf(res)!.split(';')[0]);
      expect(me.status).toBe(200);
    }
    const attempts = await t.prisma.loginAttempt.findMany({ where: { userId: user.userId, method: 'passkey', success: true } });
    expect(attempts).toHaveLength(2);
  });

  it('refuses a replayed assertion, one signed for another origin, an unknown passkey and an expired challenge', async () => {
    const { authenticator } = await userWithPasskey();
    const assertion = authenticator.assert(await signInOptions());
    expect((await loginWith(assertion)).status).toBe(200);
    const replay = await loginWith(assertion);
    expect(replay.status).toBe(401);
    expect(replay.body.error.code).toBe('passkey_invalid');
    expect(cookieOf(replay)).toBeUndefined();

    const foreign = await loginWith(authenticator.assert(await signInOptions(), { origin: 'https://dashboard.didhub.io.evil.example' }));
    expect(foreign.status).toBe(401);
    const stranger = await loginWith(newAuthenticator().assert(await signInOptions()));
    expect(stranger.status).toBe(401);

    const options = await signInOptions();
    await t.prisma.webauthnChallenge.updateMany({ where: { usedAt: null }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await loginWith(authenticator.assert(options))).status).toBe(401);
    const failures = await t.prisma.loginAttempt.count({ where: { method: 'passkey', success: false, failureReason: 'passkey_invalid' } });
    expect(failures).toBeGreaterThanOrEqual(4);
  });

  it('accepts a counting security key going up, and refuses a counter that went back (a cloned key)', async () => {
    const { user, authenticator } = await userWithPasskey(true);
    expect((await loginWith(authenticator.assert(await signInOptions(), { counter: 5 }))).status).toBe(200);
    expect((await loginWith(authenticator.assert(await signInOptions(), { counter: 3 }))).status).toBe(401);
    expect((await loginWith(authenticator.assert(await signInOptions(), { counter: 5 }))).status).toBe(401);
    expect((await loginWith(authenticator.assert(await signInOptions(), { counter: 0 }))).status).toBe(401);
    expect((await loginWith(authenticator.assert(await signInOptions(), { counter: 6 }))).status).toBe(200);
    const stored = await t.prisma.passkey.findFirstOrThrow({ where: { userId: user.userId } });
    expect(stored.counter).toBe(6n);
  });

  it('one assertion sent 30 times at once signs in exactly once', async () => {
    const { authenticator } = await userWithPasskey();
    for (let round = 0; round < 3; round++) {
      const assertion = authenticator.assert(await signInOptions());
      const results = await Promise.all(Array.from({ length: 30 }, () => loginWith(assertion)));
      expect(results.filter((r) => r.status === 200)).toHaveLength(1);
      expect(results.filter((r) => r.status === 401)).toHaveLength(29);
    }
  });

  it('a cloned security key: assertions with the same counter for different challenges, sent at once, pass once (3 rounds of 10)', async () => {
    const { authenticator } = await userWithPasskey(true);
    for (let round = 1; round <= 3; round++) {
      const options = await Promise.all(Array.from({ length: 10 }, () => signInOptions()));
      const results = await Promise.all(options.map((o) => loginWith(authenticator.assert(o, { counter: round * 10 }))));
      expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    }
  });

  it('one registration sent 20 times at once stores one passkey', async () => {
    const user = await seedUser(t);
    const client = await sessionClient(t, user);
    const options = await client.post('/v1/auth/passkeys/registration-options').send({});
    const credential = newAuthenticator().register(options.body.options);
    const results = await Promise.all(Array.from({ length: 20 }, () => client.post('/v1/auth/passkeys/register').send({ credential })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    // The losers are refused: the challenge is spent, or (once the winner gave the user a second
    // factor) their password-level session is no longer a recent enough sign-in.
    for (const loser of results.filter((r) => r.status !== 201)) {
      expect(['passkey_registration_invalid', 'reauthentication_required']).toContain(loser.body.error.code);
    }
    expect(await t.prisma.passkey.count({ where: { userId: user.userId } })).toBe(1);
  });

  it('is the second factor after a password: the sign-in stops at mfa_required and a passkey finishes it', async () => {
    const { user, authenticator } = await userWithPasskey();
    const login = await t.http().post('/v1/auth/login').set('Origin', TEST_ORIGIN).send({ email: user.email, password: user.password });
    expect(login.status).toBe(200);
    expect(login.body.mfa_required).toBe(true);
    expect(cookieOf(login)).toBeUndefined();
    const token = login.body.mfa_token as string;

    const options = await t.http().post('/v1/auth/mfa/passkey-options').send({ mfa_token: token });
    expect(options.status).toBe(200);
    expect(options.body.options.allowCredentials.map((c: { id: string }) => c.id)).toEqual([authenticator.id]);
    // A sign-in challenge cannot stand in for the second factor, nor the other way round.
    const wrongCeremony = await t.http().post('/v1/auth/mfa/verify').send({ mfa_token: token, passkey: authenticator.assert(await signInOptions()) });
    expect(wrongCeremony.status).toBe(401);
    expect(wrongCeremony.body.error.code).toBe('passkey_invalid');
    const both = await t.http().post('/v1/auth/mfa/verify').send({ mfa_token: token, code: '123456', passkey: authenticator.assert(options.body.options) });
    expect(both.status).toBe(400);

    const options2 = await t.http().post('/v1/auth/mfa/passkey-options').send({ mfa_token: token });
    const verified = await t.http().post('/v1/auth/mfa/verify').send({ mfa_token: token, passkey: authenticator.assert(options2.body.options) });
    expect(verified.status).toBe(200);
    expect(verified.body.session.auth_level).toBe('passkey');
    expect(cookieOf(verified)).toBeDefined();
    // The mfa_token is spent.
    const again = await t.http().post('/v1/auth/mfa/passkey-options').send({ mfa_token: token });
    expect(again.status).toBe(401);

    // Another user's passkey does not pass for this user.
    const other = await userWithPasskey();
    const login2 = await t.http().post('/v1/auth/login').set('Origin', TEST_ORIGIN).send({ email: user.email, password: user.password });
    const options3 = await t.http().post('/v1/auth/mfa/passkey-options').send({ mfa_token: login2.body.mfa_token });
    const foreignKey = await t.http().post('/v1/auth/mfa/verify').send({ mfa_token: login2.body.mfa_token, passkey: other.authenticator.assert(options3.body.options) });
    expect(foreignKey.status).toBe(401);
  });

  it('steps up with a passkey, then deletes a passkey (step-up required) and mails the user', async () => {
    const { user, client, authenticator } = await userWithPasskey();
    const second = newAuthenticator();
    const added = await register(client, second, 'Phone');
    expect(added.status).toBe(201);

    await t.prisma.session.updateMany({ where: { userId: user.userId }, data: { authenticatedAt: new Date(Date.now() - 11 * 60 * 1000) } });
    const refused = await client.delete(`/v1/auth/passkeys/${added.body.id}`);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('reauthentication_required');
    // The password alone no longer steps up a user with a second factor.
    const passwordOnly = await client.post('/v1/auth/reauthenticate').send({ password: user.password });
    expect(passwordOnly.status).toBe(400);

    const options = await client.post('/v1/auth/passkeys/step-up-options').send({});
    expect(options.status).toBe(200);
    expect(options.body.options.allowCredentials).toHaveLength(2);
    const stepped = await client.post('/v1/auth/reauthenticate').send({ passkey: authenticator.assert(options.body.options) });
    expect(stepped.status).toBe(200);

    const renamed = await client.patch(`/v1/auth/passkeys/${added.body.id}`).send({ name: 'Old phone' });
    expect(renamed.body.name).toBe('Old phone');
    const removed = await client.delete(`/v1/auth/passkeys/${added.body.id}`);
    expect(removed.status).toBe(204);
    expect(mailsTo(t, user.email).some((m) => m.subject.includes('passkey was removed'))).toBe(true);
    expect((await client.get('/v1/auth/passkeys')).body.data).toHaveLength(1);
    // The removed passkey no longer signs in.
    expect((await loginWith(second.assert(await signInOptions()))).status).toBe(401);
    // Someone else's passkey id is not found.
    const other = await userWithPasskey();
    const otherId = (await other.client.get('/v1/auth/passkeys')).body.data[0].id;
    expect((await client.patch(`/v1/auth/passkeys/${otherId}`).send({ name: 'x' })).status).toBe(404);
    expect((await client.patch('/v1/auth/passkeys/not-an-id').send({ name: 'x' })).body.error.param).toBe('id');
  });

  it('an owner whose only factor is a passkey closes the account with the password and a passkey, not the password alone', async () => {
    const { user, client, authenticator } = await userWithPasskey();
    const passwordOnly = await client.post('/v1/account/close').send({ password: user.password });
    expect(passwordOnly.status).toBe(400);
    expect(passwordOnly.body.error.code).toBe('parameter_missing');
    const options = await client.post('/v1/auth/passkeys/step-up-options').send({});
    const closed = await client.post('/v1/account/close').send({ password: user.password, passkey: authenticator.assert(options.body.options) });
    expect(closed.status).toBe(200);
    expect(closed.body.status).toBe('closed');
  });

  it('retention deletes ceremony challenges a week after they expired, and keeps live ones', async () => {
    await signInOptions();
    const live = await t.prisma.webauthnChallenge.findFirstOrThrow({ where: { purpose: 'sign_in', usedAt: null }, orderBy: { createdAt: 'desc' } });
    await signInOptions();
    const old = await t.prisma.webauthnChallenge.findFirstOrThrow({ where: { purpose: 'sign_in', usedAt: null }, orderBy: { createdAt: 'desc' } });
    await t.prisma.webauthnChallenge.update({ where: { id: old.id }, data: { expiresAt: new Date(Date.now() - 8 * 86_400_000) } });
    const admin = () => t.http().set('Authorization', `Bearer ${TEST_ADMIN_TOKEN}`);
    const started = await admin().post('/v1/admin/retention/run').send({ dry_run: false });
    expect(started.status).toBe(202);
    // The run continues in the background: follow it to the end.
    let status = started.body.status as string;
    for (let i = 0; status === 'running' && i < 300; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      status = (await admin().get(`/v1/admin/retention/runs/${started.body.id}`)).body.status;
    }
    expect(status).toBe('completed');
    expect(await t.prisma.webauthnChallenge.count({ where: { id: old.id } })).toBe(0);
    expect(await t.prisma.webauthnChallenge.count({ where: { id: live.id } })).toBe(1);
  });
});
