import { phoneNumbers } from '../support/phone-numbers';
import { lookup } from 'node:dns/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { isPrivateAddress } from '../../src/events/webhook-endpoints/address-policy';
import { openPglite } from '../../src/platform/database/database';
import { tenant } from '../support/compliance-fixtures';
import { bearerClient, seedApiKey, seedUser } from '../support/seed';
import { serverEnv, startServerProcess, withServerDatabase } from '../support/server-process';
import { startTestApp, type TestApp } from '../support/test-app';
import { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from '../support/webhook-receiver';

const usNumber = (): string => phoneNumbers.usLocal();

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > end) throw new Error(`condition not met: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('webhook delivery across instances and addresses', () => {
  let receiver: WebhookReceiver;
  let env: Record<string, string>;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    env = { WEBHOOK_DELIVERY_ENABLED: 'true', WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_CA_FILE: receiver.caFile, WEBHOOK_POLL_MS: '50', WEBHOOK_RESPONSE_TIMEOUT_MS: '5000' };
  });

  afterAll(async () => {
    await receiver?.close();
  });

  it('two instances deliver each attempt exactly once, round after round', async () => {
    const one = await startTestApp({ env });
    const two = await startTestApp({ env, database: one.config.databaseUrl ? undefined : { ...one.prisma.database, close: async () => undefined } });
    try {
      const a = await tenant(one);
      const path = `/hooks/${a.user.accountId}`;
      await a.client.post('/v1/webhook-endpoints').send({ url: receiver.url.replace('/hooks', path) }).expect(201);
      const mine = (w: ReceivedWebhook) => w.path === path;
      const viaTwo = bearerClient(two, await seedApiKey(one, a.user.accountId));
      let expected = 0;
      for (let round = 0; round < 3; round++) {
        const results = await Promise.all(
          Array.from({ length: 10 }, (_, i) => (i % 2 ? a.client : viaTwo).post('/v1/numbers').send({ e164: usNumber(), country: 'US', number_type: 'local' })),
        );
        expect(results.every((r) => r.status === 201)).toBe(true);
        expected += results.length;
        await receiver.waitFor(expected, mine);
      }
      // Both workers keep polling for a while: nothing arrives twice.
      await new Promise((r) => setTimeout(r, 500));
      const ids = receiver.received.filter(mine).map((w) => w.headers['webhook-id']);
      expect(ids).toHaveLength(expected);
      expect(new Set(ids).size).toBe(expected);
      const [counts] = await one.prisma.$queryRaw<{ attempts: number; deliveries: number; succeeded: number }[]>`
        SELECT (SELECT count(*)::int FROM webhook_attempts t JOIN webhook_endpoints e ON e.id = t.endpoint_id WHERE e.account_id = ${a.user.accountId}) AS attempts,
               count(*)::int AS deliveries, count(*) FILTER (WHERE d.status = 'succeeded')::int AS succeeded
          FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id WHERE e.account_id = ${a.user.accountId}`;
      expect(counts).toEqual({ attempts: expected, deliveries: expected, succeeded: expected });
    } finally {
      await two.close();
      await one.close();
    }
  });

  it('an instance killed mid-delivery loses nothing: another delivers the same event once its lease ends', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'didhub-webhook-kill-'));
    const childEnv = serverEnv(dataDir, { ...env, LOG_LEVEL: 'info' });
    try {
      const key = await withServerDatabase(dataDir, childEnv, async (seed) => {
        const owner = await seedUser(seed, { apiKeysEnabled: true });
        return seedApiKey(seed, owner.accountId);
      });
      const path = `/hooks/kill-${Date.now()}`;
      receiver.script(path, 'hang');
      const mine = (w: ReceivedWebhook) => w.path === path;
      const first = await startServerProcess(childEnv);
      let eventId: string;
      try {
        const client = (await import('supertest')).default.agent(first.url).disableTLSCerts().set('Authorization', `Bearer ${key}`);
        await client.post('/v1/webhook-endpoints').send({ url: receiver.url.replace('/hooks', path) }).expect(201);
        await client.post('/v1/numbers').send({ e164: usNumber(), country: 'US', number_type: 'local' }).expect(201);
        const [hung] = await receiver.waitFor(1, mine);
        eventId = hung.headers['webhook-id'] as string;
      } finally {
        first.child.kill('SIGKILL');
        await first.exited;
      }
      // The survivor: another instance on the same database.
      const survivor = await startTestApp({ env, database: childEnv.DATABASE_URL ? undefined : await openPglite(join(dataDir, 'pglite')) });
      try {
        // The dead instance's lease would run out after its timeouts; move that clock instead of waiting.
        const moved = await survivor.prisma.$executeRaw`
          UPDATE webhook_deliveries SET locked_until = now() - interval '1 second' WHERE event_id = ${eventId} AND status = 'pending' AND locked_until IS NOT NULL`;
        expect(moved).toBe(1);
        const all = await receiver.waitFor(2, mine, 20_000);
        expect(all.map((w) => w.headers['webhook-id'])).toEqual([eventId, eventId]);
        const client = bearerClient(survivor, key);
        const endpoints = (await client.get('/v1/webhook-endpoints').expect(200)).body.data;
        const attempts = await until(
          async () => (await client.get(`/v1/webhook-endpoints/${endpoints[0].id}/attempts`).expect(200)).body.data as { status_code: number | null }[],
          (rows) => rows.length === 1,
        );
        expect(attempts.map((x) => x.status_code)).toEqual([200]);
      } finally {
        await survivor.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses loopback, private, link-local and metadata destinations, also behind a DNS name', async () => {
    const t = await startTestApp({ env: { WEBHOOK_DELIVERY_ENABLED: 'true', WEBHOOK_CA_FILE: receiver.caFile, WEBHOOK_POLL_MS: '20' } });
    try {
      const a = await tenant(t);
      for (const url of ['https://127.0.0.1/x', 'https://10.0.0.8/x', 'https://169.254.169.254/latest/meta-data/', 'https://[::1]/x', 'https://[::ffff:127.0.0.1]/x', 'https://localhost/x']) {
        const res = await a.client.post('/v1/webhook-endpoints').send({ url });
        expect([url, res.status, res.body.error.code, res.body.error.param]).toEqual([url, 400, 'url_not_allowed', 'url']);
      }
      // A name that resolves to a private address passes creation and is refused at delivery, after DNS.
      const name = hostname();
      const resolved = await lookup(name);
      expect(isPrivateAddress(resolved.address)).toBe(true);
      const path = `/hooks/dns-${Date.now()}`;
      const url = receiver.url.replace('127.0.0.1', name).replace('/hooks', path);
      const endpoint = await a.client.post('/v1/webhook-endpoints').send({ url }).expect(201);
      await a.client.post('/v1/numbers').send({ e164: usNumber(), country: 'US', number_type: 'local' }).expect(201);
      const attempts = await until(
        async () => (await a.client.get(`/v1/webhook-endpoints/${endpoint.body.id}/attempts`).expect(200)).body.data,
        (rows: { status_code: number | null }[]) => rows.length === 1,
      );
      expect(attempts[0]).toMatchObject({ status_code: null, error_class: 'private_address' });
      expect(receiver.received.filter((w) => w.path === path)).toEqual([]);
    } finally {
      await t.close();
    }
  });
});

