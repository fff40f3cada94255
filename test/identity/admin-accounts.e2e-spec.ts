import { bearerClient, seedApiKey, seedUser, sessionClient, type SeededUser } from '../support/seed';
import { startTestApp, TEST_ADMIN_TOKEN, type TestApp, type TestClient } from '../support/test-app';

describe('operator API: accounts', () => {
  let t: TestApp;
  let owner: SeededUser;

  const operator = (): TestClient => t.http().set('Authorization', `Bearer ${TEST_ADMIN_TOKEN}`);

  beforeAll(async () => {
    t = await startTestApp();
    owner = await seedUser(t);
  });

  afterAll(async () => {
    await t.close();
  });

  it('shows an account’s flags and overrides', async () => {
    const res = await operator().get(`/v1/admin/accounts/${owner.accountId}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      object: 'account',
      id: owner.accountId,
      name: expect.any(String),
      status: 'active',
      closed_at: null,
      anonymized_at: null,
      api_keys_enabled: false,
      sip_private_hosts_allowed: false,
      rate_limit_read_per_minute: null,
      rate_limit_write_per_minute: null,
      retention_overrides: null,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
  });

  it('turns the API-key beta on for an account, which can then create keys', async () => {
    const dashboard = await sessionClient(t, owner);
    const before = await dashboard.post('/v1/api-keys').send({ name: 'too early' });
    expect(before.status).toBe(403);
    expect(before.body.error.code).toBe('api_keys_not_enabled');

    const res = await operator().patch(`/v1/admin/accounts/${owner.accountId}`).send({ api_keys_enabled: true });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: owner.accountId, api_keys_enabled: true });

    const created = await dashboard.post('/v1/api-keys').send({ name: 'now' });
    expect(created.status).toBe(201);

    // Off again: no new keys, but the keys already handed out keep working (revoke them to cut them off).
    await operator().patch(`/v1/admin/accounts/${owner.accountId}`).send({ api_keys_enabled: false }).expect(200);
    const after = await dashboard.post('/v1/api-keys').send({ name: 'too late' });
    expect(after.status).toBe(403);
    expect(after.body.error.code).toBe('api_keys_not_enabled');
    const stillWorks = await bearerClient(t, created.body.key).get('/v1/api-keys');
    expect(stillWorks.body.error.code).toBe('session_required');
  });

  it('sets rate-limit overrides, leaves absent fields alone, and clears one with null', async () => {
    const account = await seedUser(t, { apiKeysEnabled: true });
    const set = await operator()
      .patch(`/v1/admin/accounts/${account.accountId}`)
      .send({ rate_limit_read_per_minute: 5000, rate_limit_write_per_minute: 900 });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ api_keys_enabled: true, rate_limit_read_per_minute: 5000, rate_limit_write_per_minute: 900 });

    const cleared = await operator().patch(`/v1/admin/accounts/${account.accountId}`).send({ rate_limit_read_per_minute: null });
    expect(cleared.body).toMatchObject({ api_keys_enabled: true, rate_limit_read_per_minute: null, rate_limit_write_per_minute: 900 });
    const row = await t.prisma.account.findUniqueOrThrow({ where: { id: account.accountId } });
    expect(row).toMatchObject({ apiKeysEnabled: true, rateLimitReadPerMinute: null, rateLimitWritePerMinute: 900 });
    expect((await operator().get(`/v1/admin/accounts/${account.accountId}`)).body).toEqual(cleared.body);
  });

  it.each([
    [{ api_keys_enabled: 'yes' }, 'api_keys_enabled'],
    [{ api_keys_enabled: null }, 'api_keys_enabled'],
    [{ rate_limit_read_per_minute: 0 }, 'rate_limit_read_per_minute'],
    [{ rate_limit_read_per_minute: 1.5 }, 'rate_limit_read_per_minute'],
    [{ rate_limit_write_per_minute: '100' }, 'rate_limit_write_per_minute'],
    [{ rate_limit_write_per_minute: 10_000_001 }, 'rate_limit_write_per_minute'],
    [{ sip_private_hosts_allowed: 'yes' }, 'sip_private_hosts_allowed'],
    [{ sip_private_hosts_allowed: null }, 'sip_private_hosts_allowed'],
    [{ api_keys_enabled: true, status: 'closed' }, 'status', 'unknown_parameter'],
  ])('refuses %j with 400 naming %s and changes nothing', async (body, param, code = 'parameter_invalid') => {
    const account = await seedUser(t);
    const before = await t.prisma.account.findUniqueOrThrow({ where: { id: account.accountId } });
    const res = await operator().patch(`/v1/admin/accounts/${account.accountId}`).send(body);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code, param });
    expect(await t.prisma.account.findUniqueOrThrow({ where: { id: account.accountId } })).toEqual(before);
  });

  it('answers 404 for an account that does not exist', async () => {
    for (const id of ['acct_0000000000000000000000', 'not-an-id']) {
      expect((await operator().get(`/v1/admin/accounts/${id}`)).status).toBe(404);
      const res = await operator().patch(`/v1/admin/accounts/${id}`).send({ api_keys_enabled: true });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('resource_missing');
    }
  });

  it('accepts only the operator token: not a session, not a customer key, not a wrong token', async () => {
    const key = await seedApiKey(t, owner.accountId);
    const attempts: Array<[string, TestClient]> = [
      ['no credentials', t.http()],
      ['owner session', await sessionClient(t, owner)],
      ['customer key', bearerClient(t, key)],
      ['wrong token', t.http().set('Authorization', `Bearer ${TEST_ADMIN_TOKEN}x`)],
      ['token prefix', t.http().set('Authorization', `Bearer ${TEST_ADMIN_TOKEN.slice(0, -1)}`)],
      ['other scheme', t.http().set('Authorization', `Basic ${TEST_ADMIN_TOKEN}`)],
    ];
    for (const [label, client] of attempts) {
      const res = await client.patch(`/v1/admin/accounts/${owner.accountId}`).send({ rate_limit_read_per_minute: 1 });
      expect({ label, status: res.status, type: res.body.error?.type }).toEqual({ label, status: 401, type: 'authentication_error' });
    }
    const row = await t.prisma.account.findUniqueOrThrow({ where: { id: owner.accountId } });
    expect(row.rateLimitReadPerMinute).toBeNull();
  });
});

describe('operator API switched off (ADMIN_API_TOKEN unset)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { ADMIN_API_TOKEN: undefined } });
  });

  afterAll(async () => {
    await t.close();
  });

  it('does not exist: 404 whatever the credentials', async () => {
    const owner = await seedUser(t);
    for (const client of [t.http(), t.http().set('Authorization', `Bearer ${TEST_ADMIN_TOKEN}`), await sessionClient(t, owner)]) {
      const get = await client.get(`/v1/admin/accounts/${owner.accountId}`);
      expect(get.status).toBe(404);
      expect(get.body.error.code).toBe('route_not_found');
      const patch = await client.patch(`/v1/admin/accounts/${owner.accountId}`).send({ api_keys_enabled: true });
      expect(patch.status).toBe(404);
    }
    expect((await t.prisma.account.findUniqueOrThrow({ where: { id: owner.accountId } })).apiKeysEnabled).toBe(false);
  });
});
