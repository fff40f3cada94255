import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { Client } from 'pg';
import { applyMigrations } from '../../src/platform/database/migration-runner';
import { openPostgres } from '../../src/platform/database/database';
import { bearerClient, seedApiKey, seedUser, sessionClient } from '../support/seed';
import { TcpProxy } from '../support/tcp-proxy';
import { startTestApp, type TestApp } from '../support/test-app';

// The outage tests need a PostgreSQL server to stop; this machine (and CI) always has one.
const SERVER_URL = process.env.DIDHUB_TEST_SERVER_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('a PostgreSQL outage of a few seconds', () => {
  const database = `didhub_outage_${randomBytes(4).toString('hex')}`;
  const proxy = new TcpProxy('127.0.0.1', Number(new URL(SERVER_URL).port || 5432));
  let t: TestApp;

  beforeAll(async () => {
    const admin = new Client({ connectionString: SERVER_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.end();
    const direct = new URL(SERVER_URL);
    direct.pathname = `/${database}`;
    const handle = openPostgres(direct.toString());
    await applyMigrations(handle);
    await handle.close();
    await proxy.start();
    const viaProxy = new URL(direct.toString());
    viaProxy.port = String(proxy.port);
    t = await startTestApp({ env: { DATABASE_URL: viaProxy.toString(), DATABASE_ACQUIRE_TIMEOUT_MS: '1000' } });
  });
  afterAll(async () => {
    await t.close();
    await proxy.stop();
    const admin = new Client({ connectionString: SERVER_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  });

  it('answers 503 with Retry-After during it, recovers without a restart, and loses no acknowledged write', async () => {
    const owner = await seedUser(t, { apiKeysEnabled: true });
    const client = await sessionClient(t, owner);
    const acknowledged: string[] = [];
    const write = async (name: string) => {
      const res = await client.post('/v1/api-keys').send({ name });
      if (res.status === 201) acknowledged.push(res.body.id as string);
      return res;
    };
    expect((await write('before')).status).toBe(201);

    await proxy.stop();
    for (const name of ['during-1', 'during-2', 'during-3']) {
      const started = Date.now();
      const res = await write(name);
      expect(res.status).toBe(503);
      expect(res.body.error).toMatchObject({ type: 'api_error', code: 'service_unavailable' });
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      expect(Date.now() - started).toBeLessThan(5000);
    }
    const ready = await t.http().get('/v1/health/ready');
    expect(ready.status).toBe(503);

    await proxy.start();
    const deadline = Date.now() + 15_000;
    while ((await t.http().get('/v1/health/ready')).status !== 200) {
      if (Date.now() > deadline) throw new Error('no recovery');
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await write('after')).status).toBe(201);

    const listed = await client.get('/v1/api-keys?limit=100').expect(200);
    const ids = (listed.body.data as { id: string }[]).map((k) => k.id);
    for (const id of acknowledged) expect(ids).toContain(id);
    expect(acknowledged).toHaveLength(2);
  });
});

describe('a Redis outage', () => {
  const redisPort = Number(new URL(REDIS_URL).port || 6379);
  const proxy = new TcpProxy(new URL(REDIS_URL).hostname, redisPort);
  const prefix = `didhub:test:${randomBytes(4).toString('hex')}:`;
  const logs: string[] = [];
  let t: TestApp;
  let redis: Redis;

  beforeAll(async () => {
    await proxy.start();
    redis = new Redis(REDIS_URL);
    t = await startTestApp({
      captureLogs: logs,
      env: { REDIS_URL: `redis://127.0.0.1:${proxy.port}`, RATE_LIMIT_REDIS_PREFIX: prefix, LOG_LEVEL: 'info', RATE_LIMIT_READ_PER_MINUTE: '1000' },
    });
  });
  afterAll(async () => {
    await t.close();
    await proxy.stop();
    const keys = await redis.keys(`*${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('keeps serving on in-memory counters while Redis is down and goes back to Redis when it returns, logging both switches', async () => {
    const owner = await seedUser(t);
    const client = bearerClient(t, await seedApiKey(t, owner.accountId));
    await client.get('/v1/account').expect(200);
    expect((await redis.keys(`*${prefix}*`)).length).toBeGreaterThan(0);

    await proxy.stop();
    for (let i = 0; i < 3; i++) {
      const res = await client.get('/v1/account').expect(200);
      expect(res.headers.ratelimit).toBeDefined();
    }
    expect(logs.some((l) => l.includes('switched to in-memory counters'))).toBe(true);

    await proxy.start();
    const deadline = Date.now() + 20_000;
    while (!logs.some((l) => l.includes('Redis is back'))) {
      if (Date.now() > deadline) throw new Error('never switched back to Redis');
      await client.get('/v1/account').expect(200);
      await new Promise((r) => setTimeout(r, 200));
    }
  });
});
