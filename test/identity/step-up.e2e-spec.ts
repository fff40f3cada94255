import { SEED_PASSWORD, seedUser, sessionClient, type SeededUser } from '../support/seed';
import { startTestApp, type TestApp, type TestClient } from '../support/test-app';

/** Sensitive actions need a sign-in (or step-up) within the last 10 minutes. */
describe('step-up for sensitive actions', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  async function staleSession(): Promise<{ user: SeededUser; client: TestClient }> {
    const user = await seedUser(t, { apiKeysEnabled: true });
    const client = await sessionClient(t, user);
    await t.prisma.session.updateMany({
      where: { userId: user.userId },
      data: { authenticatedAt: new Date(Date.now() - 11 * 60 * 1000) },
    });
    return { user, client };
  }

  it('refuses to create an API key from a session signed in over 10 minutes ago, until the user steps up', async () => {
    const { client, user } = await staleSession();
    const refused = await client.post('/v1/api-keys').send({ name: 'ci' }).expect(403);
    expect(refused.body.error.code).toBe('reauthentication_required');
    expect(await t.prisma.apiKey.count({ where: { accountId: user.accountId } })).toBe(0);

    await client.post('/v1/auth/reauthenticate').send({ password: 'not the password' }).expect(401);
    await client.post('/v1/auth/reauthenticate').send({ password: SEED_PASSWORD }).expect(200);
    const created = await client.post('/v1/api-keys').send({ name: 'ci' }).expect(201);
    expect(created.body.key).toMatch(/^didhub_live_/);
  });

  it('refuses a password change from a stale session, and allows it after step-up', async () => {
    const { client } = await staleSession();
    const body = { current_password: SEED_PASSWORD, new_password: 'a much better passphrase 42' };
    const refused = await client.post('/v1/auth/password/change').send(body).expect(403);
    expect(refused.body.error.code).toBe('reauthentication_required');
    await client.post('/v1/auth/reauthenticate').send({ password: SEED_PASSWORD }).expect(200);
    await client.post('/v1/auth/password/change').send(body).expect(204);
  });

  it('lets a freshly signed-in session act without asking again', async () => {
    const user = await seedUser(t, { apiKeysEnabled: true });
    const client = await sessionClient(t, user);
    await client.post('/v1/api-keys').send({ name: 'fresh' }).expect(201);
  });

  it('locks step-up for the session after 5 wrong passwords, without locking the owner out of signing in elsewhere', async () => {
    const { client, user } = await staleSession();
    for (let i = 0; i < 5; i++) {
      await client.post('/v1/auth/reauthenticate').send({ password: `wrong guess ${i} xyz` }).expect(401);
    }
    const locked = await client.post('/v1/auth/reauthenticate').send({ password: SEED_PASSWORD }).expect(429);
    expect(locked.body.error.code).toBe('too_many_failed_logins');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    await t.http().post('/v1/auth/login').send({ email: user.email, password: SEED_PASSWORD }).expect(200);
  });

  it('counts wrong current passwords on password change toward the same per-session lock-out', async () => {
    const user = await seedUser(t);
    const client = await sessionClient(t, user);
    for (let i = 0; i < 5; i++) {
      await client
        .post('/v1/auth/password/change')
        .send({ current_password: `wrong guess ${i} xyz`, new_password: 'a much better passphrase 42' })
        .expect(400);
    }
    const locked = await client
      .post('/v1/auth/password/change')
      .send({ current_password: SEED_PASSWORD, new_password: 'a much better passphrase 42' })
      .expect(429);
    expect(locked.body.error.code).toBe('too_many_failed_logins');
  });
});
