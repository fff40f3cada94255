import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import type { DatabaseHandle } from '../../src/platform/database/database';
import { openFromSnapshot } from '../../src/platform/database/pglite-snapshot';
import { bearerClient, seedApiKey, seedUser, sessionClient } from '../support/seed';
import { startTestApp, TEST_ADMIN_TOKEN, type TestApp, usingPostgres } from '../support/test-app';

/**
 * Sharing counters between instances needs a real Redis server. CI (.ci/run) always sets
 * TEST_REDIS_URL; on a machine without Redis (the README's fresh-machine `npm test`) this one
 * scenario is not registered, and the fail-open fallback below still runs.
 */
const REDIS_URL = process.env.TEST_REDIS_URL;
const SMALL = {
  RATE_LIMIT_READ_PER_MINUTE: '5',
  RATE_LIMIT_WRITE_PER_MINUTE: '3',
  RATE_LIMIT_ANON_PER_MINUTE: '4',
  RATE_LIMIT_AUTH_PER_MINUTE: '2',
};

function expectRateLimited(res: { status: number; headers: Record<string, string>; body: { error: unknown } }, policy: string): void {
  expect(res.status).toBe(429);
  expect(res.body.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limited' });
  expect(res.headers['retry-after']).toMatch(/^\d+$/);
  expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(60);
  expect(res.headers['ratelimit-policy']).toContain(`"${policy}"`);
}

describe('rate limits (in-memory counters)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: SMALL });
  });
  afterAll(async () => {
    await t.close();
  });

  it('every limited response names its policy in RateLimit-Policy and RateLimit', async () => {
    const user = await seedUser(t);
    const key = await seedApiKey(t, user.accountId);
    const res = await bearerClient(t, key).get('/v1/cdrs').expect(200);
    expect(res.headers['ratelimit-policy']).toBe('"read";q=5;w=60');
    expect(res.headers['ratelimit']).toMatch(/^"read";r=4;t=\d+$/);
    const next = await bearerClient(t, key).get('/v1/cdrs').expect(200);
    expect(next.headers['ratelimit']).toMatch(/^"read";r=3;t=\d+$/);
  });

  it('two keys of one account share its read budget; another account is unaffected', async () => {
    const user = await seedUser(t);
    const first = bearerClient(t, await seedApiKey(t, user.accountId));
    const second = bearerClient(t, await seedApiKey(t, user.accountId));
    for (let i = 0; i < 5; i++) await (i % 2 ? second : first).get('/v1/cdrs').expect(200);
    expectRateLimited(await first.get('/v1/cdrs'), 'read');
    expectRateLimited(await second.get('/v1/cdrs'), 'read');

    const other = await seedUser(t);
    await bearerClient(t, await seedApiKey(t, other.accountId)).get('/v1/cdrs').expect(200);
  });

  it('mutations still go through after the read budget is spent, and have their own budget', async () => {
    const user = await seedUser(t, { apiKeysEnabled: true });
    const client = await sessionClient(t, user);
    for (let i = 0; i < 5; i++) await client.get('/v1/api-keys').expect(200);
    expectRateLimited(await client.get('/v1/api-keys'), 'read');

    const write = await client.post('/v1/api-keys').send({ name: 'after reads' }).expect(201);
    expect(write.headers['ratelimit-policy']).toBe('"write";q=3;w=60');
    expect(write.headers['ratelimit']).toMatch(/^"write";r=2;t=\d+$/);
    await client.post('/v1/api-keys').send({ name: 'two' }).expect(201);
    await client.post('/v1/api-keys').send({ name: 'three' }).expect(201);
    expectRateLimited(await client.post('/v1/api-keys').send({ name: 'four' }), 'write');
    expect(await t.prisma.apiKey.count({ where: { accountId: user.accountId } })).toBe(3);
  });

  it('a replayed idempotent request costs no budget', async () => {
    const user = await seedUser(t, { apiKeysEnabled: true });
    const client = await sessionClient(t, user);
    await client.post('/v1/api-keys').set('Idempotency-Key', 'replay-budget').send({ name: 'once' }).expect(201);
    for (let i = 0; i < 5; i++) {
      const replay = await client.post('/v1/api-keys').set('Idempotency-Key', 'replay-budget').send({ name: 'once' }).expect(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.headers['ratelimit']).toMatch(/^"write";r=2;t=\d+$/);
    }
    await client.post('/v1/api-keys').send({ name: 'second' }).expect(201);
    await client.post('/v1/api-keys').send({ name: 'third' }).expect(201);
    expectRateLimited(await client.post('/v1/api-keys').send({ name: 'fourth' }), 'write');
  });

  it('the operator override of an account replaces the default budget', async () => {
    const user = await seedUser(t);
    await t
      .http()
      .patch(`/v1/admin/accounts/${user.accountId}`)
      .set('Authorization', `Bearer ${TEST_ADMIN_TOKEN}`)
      .send({ rate_limit_read_per_minute: 2 })
      .expect(200);
    const client = bearerClient(t, await seedApiKey(t, user.accountId));
    const first = await client.get('/v1/cdrs').expect(200);
    expect(first.headers['ratelimit-policy']).toBe('"read";q=2;w=60');
    await client.get('/v1/cdrs').expect(200);
    expectRateLimited(await client.get('/v1/cdrs'), 'read');
  });

  it('sign-in endpoints have the tight per-IP budget', async () => {
    const user = await seedUser(t);
    const login = () => t.http().post('/v1/auth/login').send({ email: user.email, password: 'wrong password here' });
    const first = await login();
    expect(first.status).toBe(401);
    expect(first.headers['ratelimit-policy']).toBe('"auth";q=2;w=60');
    expect((await login()).status).toBe(401);
    expectRateLimited(await login(), 'auth');
    // Another auth endpoint shares the same per-IP "auth" budget.
    expectRateLimited(await t.http().post('/v1/auth/password/forgot').send({ email: user.email }), 'auth');
  });

  it('other unauthenticated traffic is limited per IP; health checks are never limited', async () => {
    for (let i = 0; i < 4; i++) await t.http().get('/.well-known/security.txt').expect(200);
    expectRateLimited(await t.http().get('/.well-known/security.txt'), 'anon');
    for (let i = 0; i < 10; i++) {
      const res = await t.http().get('/v1/health').expect(200);
      expect(res.headers['ratelimit-policy']).toBeUndefined();
    }
  });
});

describe('refused credentials', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: SMALL });
  });
  afterAll(async () => {
    await t.close();
  });

  it('spend the per-IP budget, so guessing keys, cookies or the operator token is limited', async () => {
    const guesses = [
      () => t.http().get('/v1/account').set('Authorization', 'Bearer didhub_live_guess'),
      () => t.http().get('/v1/account').set('Cookie', 'didhub_sid=ses_x.guess.sig'),
      () => t.http().get('/v1/admin/accounts/acct_x').set('Authorization', 'Bearer not-the-operator-token-000000000000'),
      () => t.http().get('/v1/account'),
    ];
    for (const guess of guesses) {
      const res = await guess();
      expect(res.status).toBe(401);
      expect(res.headers['ratelimit-policy']).toBe('"anon";q=4;w=60');
    }
    expectRateLimited(await guesses[0](), 'anon');
    // A valid key is still served: authenticated traffic spends its account's budget instead.
    const user = await seedUser(t);
    await bearerClient(t, await seedApiKey(t, user.accountId)).get('/v1/account').expect(200);
  });
});

if (REDIS_URL) {
  describe('rate limits shared through Redis', () => {
    const prefix = `didhub-test:${randomBytes(6).toString('hex')}:`;
    let handle: DatabaseHandle | undefined;
    let a: TestApp;
    let b: TestApp;
    let redis: Redis;

    beforeAll(async () => {
      if (!usingPostgres()) handle = await openFromSnapshot(process.env.DIDHUB_TEST_SNAPSHOT!);
      const env = { ...SMALL, REDIS_URL: REDIS_URL!, RATE_LIMIT_REDIS_PREFIX: prefix };
      a = await startTestApp({ env, database: handle });
      b = await startTestApp({ env, database: handle });
      redis = new Redis(REDIS_URL!);
    });
    afterAll(async () => {
      await b.close();
      await a.close();
      await handle?.close();
      // Only this run's keys: the storage wraps each key as `{<prefix>...}:hits|blocked`.
      const keys = await redis.keys(`{${prefix}*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    });

    it('two app instances spend one budget', async () => {
      const user = await seedUser(a);
      const key = await seedApiKey(a, user.accountId);
      for (let i = 0; i < 5; i++) await bearerClient(i % 2 ? b : a, key).get('/v1/cdrs').expect(200);
      expectRateLimited(await bearerClient(a, key).get('/v1/cdrs'), 'read');
      expectRateLimited(await bearerClient(b, key).get('/v1/cdrs'), 'read');
      expect((await redis.keys(`{${prefix}read:acct:${user.accountId}*`)).length).toBeGreaterThan(0);
    });
  });
}

describe('rate limits when Redis is unreachable', () => {
  let t: TestApp;
  beforeAll(async () => {
    // Nothing listens on port 1: the app must still start and serve (fail open).
    t = await startTestApp({ env: { ...SMALL, REDIS_URL: 'redis://127.0.0.1:1' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('serves requests and still enforces the budget with in-memory counters', async () => {
    const user = await seedUser(t);
    const client = bearerClient(t, await seedApiKey(t, user.accountId));
    for (let i = 0; i < 5; i++) await client.get('/v1/cdrs').expect(200);
    expectRateLimited(await client.get('/v1/cdrs'), 'read');
  });
});
