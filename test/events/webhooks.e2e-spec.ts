import { phoneNumbers } from '../support/phone-numbers';
import { Webhook } from 'standardwebhooks';
import { approvedBundle, INDIVIDUAL_DE, pdfBytes, tenant, type Tenant, upload } from '../support/compliance-fixtures';
import { mailsTo } from '../support/mailbox';
import { bearerClient, seedApiKey, seedUser, sessionClient } from '../support/seed';
import { startTestApp, TEST_ADMIN_TOKEN, type TestApp } from '../support/test-app';
import { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from '../support/webhook-receiver';

const usNumber = (): string => phoneNumbers.usLocal();
const eventOf = (w: ReceivedWebhook) => JSON.parse(w.body) as { id: string; type: string; resource_id: string; sequence: number; data: Record<string, unknown> };

describe('events and signed webhooks', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    t = await startTestApp({
      env: { WEBHOOK_DELIVERY_ENABLED: 'true', WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_CA_FILE: receiver.caFile, WEBHOOK_POLL_MS: '50', WEBHOOK_RESPONSE_TIMEOUT_MS: '3000' },
    });
  });

  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  /** A tenant with an endpoint on the receiver (at its own path, so tests can tell their deliveries apart). */
  async function subscribed(events: string[] = []): Promise<Tenant & { endpointId: string; secret: string; path: string; mine: (w: ReceivedWebhook) => boolean }> {
    const tn = await tenant(t);
    const path = `/hooks/${tn.user.accountId}`;
    const url = receiver.url.replace('/hooks', path);
    const res = await tn.client.post('/v1/webhook-endpoints').send({ url, events }).expect(201);
    return { ...tn, endpointId: res.body.id, secret: res.body.secret, path, mine: (w) => w.path === path };
  }

  /** The delivery's state once no attempt is in flight (status, attempts made, when the next is due). */
  async function deliveryOf(eventId: string): Promise<{ status: string; attempts: number; next_attempt_at: Date; in_flight: boolean }> {
    const [row] = await t.prisma.$queryRaw<{ status: string; attempts: number; next_attempt_at: Date; in_flight: boolean }[]>`
      SELECT status, attempts, next_attempt_at, locked_until IS NOT NULL AS in_flight FROM webhook_deliveries WHERE event_id = ${eventId}`;
    return row;
  }

  async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 10_000): Promise<T> {
    const end = Date.now() + ms;
    for (;;) {
      const value = await read();
      if (ok(value)) return value;
      if (Date.now() > end) throw new Error(`condition not met: ${JSON.stringify(value)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Moves the retry clock instead of sleeping: the delivery is due now. */
  const dueNow = (eventId: string) => t.prisma.$executeRaw`UPDATE webhook_deliveries SET next_attempt_at = now() WHERE event_id = ${eventId}`;

  describe('endpoints', () => {
    it('shows the whsec_ signing secret once, at creation, and never again', async () => {
      const a = await subscribed();
      expect(a.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      const got = await a.client.get(`/v1/webhook-endpoints/${a.endpointId}`).expect(200);
      expect(got.body).toMatchObject({ object: 'webhook_endpoint', id: a.endpointId, enabled: true, events: [] });
      expect(JSON.stringify(got.body)).not.toContain(a.secret.slice(6, 20));
      const list = await a.client.get('/v1/webhook-endpoints').expect(200);
      expect(list.body.data.map((e: { id: string }) => e.id)).toEqual([a.endpointId]);
      expect(JSON.stringify(list.body)).not.toContain('whsec_');
      const [stored] = await t.prisma.$queryRaw<{ secret_enc: string }[]>`SELECT secret_enc FROM webhook_endpoints WHERE id = ${a.endpointId}`;
      expect(stored.secret_enc).not.toContain(a.secret.slice(6));
    });

    it('refuses bad input with a 400 naming the field', async () => {
      const { client } = await tenant(t);
      const cases: [object, string][] = [
        [{ url: 'http://hooks.example.com/x' }, 'url'],
        [{ url: 'not a url' }, 'url'],
        [{ url: 'https://user:pw@hooks.example.com/x' }, 'url'],
        [{ url: 'https://hooks.example.com/x', events: ['bundle.exploded'] }, 'events'],
        [{ url: 'https://hooks.example.com/x', events: ['retention.run_completed'] }, 'events'],
        [{ url: 'https://hooks.example.com/x', enabled: 'yes' }, 'enabled'],
        [{}, 'url'],
      ];
      for (const [body, param] of cases) {
        const res = await client.post('/v1/webhook-endpoints').send(body);
        expect([res.status, res.body.error?.param]).toEqual([400, param]);
      }
      const rotate = await client.post('/v1/webhook-endpoints/we_0000000000000000000000/rotate-secret').send({ overlap_seconds: -1 });
      expect([rotate.status, rotate.body.error.param]).toEqual([400, 'overlap_seconds']);
      const list = await client.get('/v1/events?type=nope');
      expect([list.status, list.body.error.param]).toEqual([400, 'type']);
    });

    it('keeps each account to its own endpoints, events and attempts (404 across accounts)', async () => {
      const a = await subscribed();
      const b = await tenant(t);
      await b.client.get(`/v1/webhook-endpoints/${a.endpointId}`).expect(404);
      await b.client.patch(`/v1/webhook-endpoints/${a.endpointId}`).send({ enabled: false }).expect(404);
      await b.client.get(`/v1/webhook-endpoints/${a.endpointId}/attempts`).expect(404);
      await b.client.post(`/v1/webhook-endpoints/${a.endpointId}/rotate-secret`).send({}).expect(404);
      await b.client.delete(`/v1/webhook-endpoints/${a.endpointId}`).expect(404);
      const n = await a.client.post('/v1/numbers').send({ e164: usNumber(), country: 'US', number_type: 'local' }).expect(201);
      const [event] = (await a.client.get(`/v1/events?resource_id=${n.body.id}`).expect(200)).body.data;
      await b.client.get(`/v1/events/${event.id}`).expect(404);
      await b.client.post(`/v1/events/${event.id}/redeliver`).send({}).expect(404);
      expect((await b.client.get('/v1/events').expect(200)).body.data).toEqual([]);
    });

    it('needs webhooks:read to read and webhooks:write to change', async () => {
      const user = await seedUser(t);
      const reader = bearerClient(t, await seedApiKey(t, user.accountId, ['webhooks:read']));
      const res = await reader.post('/v1/webhook-endpoints').send({ url: 'https://hooks.example.com/x' }).expect(403);
      expect(res.body.error.code).toBe('insufficient_permissions');
      await reader.get('/v1/webhook-endpoints').expect(200);
      await reader.get('/v1/events').expect(200);
      const numbersOnly = bearerClient(t, await seedApiKey(t, user.accountId, ['numbers:read']));
      await numbersOnly.get('/v1/events').expect(403);
    });
  });

  describe('events', () => {
    it('records each state change exactly once, with a per-resource sequence, and delivers each verifiably', async () => {
      const a = await subscribed();
      const { bundleId, endUserId, documentId } = await approvedBundle(t, a.client, TEST_ADMIN_TOKEN);
      const e164 = phoneNumbers.deLocal();
      const n = await a.client.post('/v1/numbers').send({ e164, country: 'DE', number_type: 'local', bundle_id: bundleId }).expect(201);
      await a.client.post(`/v1/numbers/${n.body.id}/release`).expect(200);
      await a.client.post(`/v1/numbers/${n.body.id}/release`).expect(409);
      const erase = await a.client.delete(`/v1/compliance/end-users/${endUserId}`).expect(202);
      const session = await sessionClient(t, a.user);
      const key = await session.post('/v1/api-keys').send({ name: 'ci' }).expect(201);
      await session.delete(`/v1/api-keys/${key.body.id}`).expect(200);
      await session.delete(`/v1/api-keys/${key.body.id}`).expect(200);

      const events = (await a.client.get('/v1/events?limit=100').expect(200)).body.data as ReturnType<typeof eventOf>[];
      const types = events.map((e) => e.type).sort();
      expect(types).toEqual(
        [
          'api_key.created',
          'api_key.revoked',
          'bundle.approved',
          'bundle.submitted',
          'end_user.erasure_scheduled',
          'number.assigned',
          'number.released',
        ].sort(),
      );
      const bundleEvents = events.filter((e) => e.resource_id === bundleId).sort((x, y) => x.sequence - y.sequence);
      expect(bundleEvents.map((e) => [e.type, e.sequence])).toEqual([
        ['bundle.submitted', 1],
        ['bundle.approved', 2],
      ]);
      expect(events.find((e) => e.type === 'end_user.erasure_scheduled')!.data).toMatchObject({ end_user_id: endUserId, erase_after: erase.body.erase_after });
      expect(documentId).toMatch(/^doc_/);

      const delivered = await receiver.waitFor(events.length, a.mine);
      expect(delivered).toHaveLength(events.length);
      const verifier = new Webhook(a.secret);
      for (const w of delivered) {
        const payload = verifier.verify(w.body, w.headers as Record<string, string>) as { id: string };
        expect(w.headers['webhook-id']).toBe(payload.id);
      }
      expect(new Set(delivered.map((w) => w.headers['webhook-id'])).size).toBe(events.length);
      // A tampered body does not verify.
      expect(() => verifier.verify(delivered[0].body.replace('"event"', '"evenT"'), delivered[0].headers as Record<string, string>)).toThrow();
    });

    it('never puts personal data in an event or a webhook (checked against the seeded end-user)', async () => {
      const a = await subscribed();
      const { bundleId, endUserId } = await approvedBundle(t, a.client, TEST_ADMIN_TOKEN);
      const e164 = phoneNumbers.deLocal();
      const n = await a.client.post('/v1/numbers').send({ e164, country: 'DE', number_type: 'local', bundle_id: bundleId }).expect(201);
      await a.client.post(`/v1/numbers/${n.body.id}/release`).expect(200);
      await t.prisma.$executeRaw`UPDATE numbers SET released_at = now() - interval '10 years' WHERE id = ${n.body.id}`;
      await a.client.delete(`/v1/compliance/end-users/${endUserId}`).expect(204);
      const events = (await a.client.get('/v1/events?limit=100').expect(200)).body.data as ReturnType<typeof eventOf>[];
      expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['end_user.erased', 'document.deleted', 'number.released']));
      const delivered = await receiver.waitFor(events.length, a.mine);
      const everything = JSON.stringify(events) + delivered.map((w) => w.body).join('');
      const personal = [
        INDIVIDUAL_DE.first_name,
        INDIVIDUAL_DE.last_name,
        INDIVIDUAL_DE.date_of_birth,
        INDIVIDUAL_DE.document_number,
        INDIVIDUAL_DE.document_number.slice(-4),
        INDIVIDUAL_DE.address.street,
        INDIVIDUAL_DE.address.city,
        INDIVIDUAL_DE.address.postal_code,
        e164,
        e164.slice(1),
        a.user.email,
        '%PDF',
      ];
      for (const value of personal) expect(everything).not.toContain(value);
    });

    it('emits no event for a change that rolls back, and makes no change whose event cannot be written', async () => {
      const a = await subscribed();
      const e164 = usNumber();
      // Ten concurrent assignments of one number: one wins, one number.assigned.
      const results = await Promise.all(
        Array.from({ length: 10 }, () => a.client.post('/v1/numbers').send({ e164, country: 'US', number_type: 'local' })),
      );
      expect(results.map((r) => r.status).sort()).toEqual([201, ...Array(9).fill(409)]);
      const winner = results.find((r) => r.status === 201)!.body.id as string;
      // Ten concurrent releases: one wins, one number.released.
      const releases = await Promise.all(Array.from({ length: 10 }, () => a.client.post(`/v1/numbers/${winner}/release`)));
      expect(releases.map((r) => r.status).sort()).toEqual([200, ...Array(9).fill(409)]);
      const events = (await a.client.get(`/v1/events?resource_id=${winner}`).expect(200)).body.data;
      expect(events.map((e: { type: string; sequence: number }) => [e.type, e.sequence])).toEqual([
        ['number.released', 2],
        ['number.assigned', 1],
      ]);

      // The event cannot be written (a trigger refuses it): the release rolls back with it.
      const other = (await a.client.post('/v1/numbers').send({ e164: usNumber(), country: 'US', number_type: 'local' }).expect(201)).body.id as string;
      await t.prisma.$executeRawUnsafe(`
        CREATE OR REPLACE FUNCTION refuse_test_event() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.resource_id = '${other}' AND NEW.type = 'number.released' THEN RAISE EXCEPTION 'refused by test'; END IF; RETURN NEW; END $$`);
      await t.prisma.$executeRawUnsafe(`CREATE TRIGGER refuse_test_event_${other.slice(4)} BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION refuse_test_event()`);
      try {
        const failed = await a.client.post(`/v1/numbers/${other}/release`);
        expect(failed.status).toBe(500);
        expect((await a.client.get(`/v1/numbers/${other}`).expect(200)).body.status).toBe('active');
      } finally {
        await t.prisma.$executeRawUnsafe(`DROP TRIGGER refuse_test_event_${other.slice(4)} ON events`);
      }
      await a.client.post(`/v1/numbers/${other}/release`).expect(200);
      const otherEvents = (await a.client.get(`/v1/events?resource_id=${other}`).expect(200)).body.data;
      expect(otherEvents.map((e: { type: string }) => e.type)).toEqual(['number.released', 'number.assigned']);
      await receiver.waitFor(4, a.mine);
      await new Promise((r) => setTimeout(r, 300));
      expect(receiver.received.filter(a.mine)).toHaveLength(4);
    });

    it('records bundle rejection, account closure, reopening and anonymisation, and retention runs, once each', async () => {
      const a = await subscribed();
      const operator = () => t.http().set('Authorization', `Bearer ${TEST_ADMIN_TOKEN}`);
      const eu = (await a.client.post('/v1/compliance/end-users').send(INDIVIDUAL_DE).expect(201)).body.id;
      const doc = (await upload(a.client, pdfBytes(), { type: 'passport', end_user_id: eu }).expect(201)).body.id;
      const bundle = (await a.client.post('/v1/compliance/bundles').send({ end_user_id: eu, document_ids: [doc], country: 'DE', number_type: 'local' }).expect(201)).body.id;
      await a.client.post(`/v1/compliance/bundles/${bundle}/submit`).expect(200);
      const items = [{ item: doc, reason: 'Blurred photo page.' }];
      const rejects = await Promise.all(Array.from({ length: 5 }, () => operator().post(`/v1/admin/bundles/${bundle}/reject`).send({ reason: 'Unreadable.', items })));
      expect(rejects.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409]);
      const rejected = (await a.client.get(`/v1/events?resource_id=${bundle}&type=bundle.rejected`).expect(200)).body.data;
      expect(rejected.map((e: { data: unknown }) => e.data)).toEqual([
        { bundle_id: bundle, status: 'rejected', reviewed_at: expect.any(String), reason: 'Unreadable.', items },
      ]);

      const account = a.user.accountId;
      const liveKeys = (await t.prisma.apiKey.findMany({ where: { accountId: a.user.accountId, revokedAt: null }, select: { id: true } })).map((k) => k.id).sort();
      expect(liveKeys).toHaveLength(1);
      await (await sessionClient(t, a.user)).post('/v1/account/close').send({ password: a.user.password }).expect(200);
      const revoked = await t.prisma.$queryRaw<{ resource_id: string }[]>`SELECT resource_id FROM events WHERE account_id = ${account} AND type = 'api_key.revoked'`;
      expect(revoked.map((e) => e.resource_id).sort()).toEqual(liveKeys);
      const reopens = await Promise.all(Array.from({ length: 4 }, () => operator().post(`/v1/admin/accounts/${account}/reopen`)));
      expect(reopens.every((r) => r.status === 200)).toBe(true);
      await (await sessionClient(t, a.user)).post('/v1/account/close').send({ password: a.user.password }).expect(200);
      await t.prisma.$executeRaw`UPDATE accounts SET closed_at = now() - interval '31 days' WHERE id = ${account}`;
      // Another account's bundle past its regulator window: retention deletes its document.
      const b = await tenant(t);
      const expired = await approvedBundle(t, b.client, TEST_ADMIN_TOKEN);
      const e164 = phoneNumbers.deLocal();
      const num = (await b.client.post('/v1/numbers').send({ e164, country: 'DE', number_type: 'local', bundle_id: expired.bundleId }).expect(201)).body.id;
      await b.client.post(`/v1/numbers/${num}/release`).expect(200);
      await t.prisma.$executeRaw`UPDATE numbers SET released_at = now() - interval '10 years' WHERE id = ${num}`;
      let run: { id: string; status: string } | null = null;
      for (let i = 0; i < 100 && !run; i++) {
        const res = await operator().post('/v1/admin/retention/run').send({});
        if (res.status === 202) run = res.body;
        else await new Promise((r) => setTimeout(r, 200));
      }
      const done = await until(async () => (await operator().get(`/v1/admin/retention/runs/${run!.id}`).expect(200)).body, (r) => r.status !== 'running', 60_000);
      expect(done.status).toBe('completed');
      const accountEvents = await t.prisma.$queryRaw<{ type: string; sequence: number }[]>`
        SELECT type, sequence FROM events WHERE resource_id = ${account} ORDER BY sequence`;
      expect(accountEvents.map((e) => [e.type, e.sequence])).toEqual([
        ['account.closed', 1],
        ['account.reopened', 2],
        ['account.closed', 3],
        ['account.anonymized', 4],
      ]);
      const [{ endpoints }] = await t.prisma.$queryRaw<{ endpoints: number }[]>`SELECT count(*)::int AS endpoints FROM webhook_endpoints WHERE account_id = ${account}`;
      expect(endpoints).toBe(0);
      const runEvents = await t.prisma.$queryRaw<{ type: string; account_id: string | null }[]>`SELECT type, account_id FROM events WHERE resource_id = ${run!.id}`;
      expect(runEvents).toEqual([{ type: 'retention.run_completed', account_id: null }]);
      const docEvents = (await b.client.get(`/v1/events?resource_id=${expired.documentId}`).expect(200)).body.data;
      expect(docEvents.map((e: { type: string; data: unknown }) => [e.type, e.data])).toEqual([
        ['document.deleted', { document_id: expired.documentId, deleted_at: expect.any(String) }],
      ]);
      // Operator events reach no customer.
      const other = await tenant(t);
      expect((await other.client.get('/v1/events?type=retention.run_completed').expect(200)).body.data).toEqual([]);
    });

    it('lists events newest first with type, resource and time filters and a cursor', async () => {
      const a = await tenant(t);
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push((await a.client.post('/v1/numbers').send({ e164: usNumber(), country: 'US', number_type: 'local' }).expect(201)).body.id);
      await a.client.post(`/v1/numbers/${ids[0]}/release`).expect(200);
      const page1 = (await a.client.get('/v1/events?limit=2').expect(200)).body;
      expect(page1.has_more).toBe(true);
      const page2 = (await a.client.get(`/v1/events?limit=2&cursor=${encodeURIComponent(page1.next_cursor)}`).expect(200)).body;
      expect(page2.has_more).toBe(false);
      const all = [...page1.data, ...page2.data];
      expect(all.map((e: { type: string }) => e.type)).toEqual(['number.released', 'number.assigned', 'number.assigned', 'number.assigned']);
      const released = (await a.client.get('/v1/events?type=number.released').expect(200)).body.data;
      expect(released.map((e: { resource_id: string }) => e.resource_id)).toEqual([ids[0]]);
      const future = new Date(Date.now() + 60_000).toISOString();
      expect((await a.client.get(`/v1/events?created_after=${future}`).expect(200)).body.data).toEqual([]);
      const bad = await a.client.get('/v1/events?created_after=yesterday');
      expect([bad.status, bad.body.error.param]).toEqual([400, 'created_after']);
    });
  });

  describe('delivery', () => {
    it('retries a receiver answering 500 with the same webhook-id, and shows both attempts', async () => {
      const a = await subscribed();
      receiver.script(a.path, { status: 500, body: 'x'.repeat(100) });
      const n = await a.client.post('/v1/numbers').send({ e164: usNumber(), country: 'US', number_type: 'local' }).expect(201);
      const [first] = await receiver.waitFor(1, a.mine);
      const eventId = eventOf(first).id;
      const pending = await until(() => deliveryOf(eventId), (d) => d.status === 'pending' && d.attempts === 1 && !d.in_flight);
      // The first retry comes within about a minute (30 s ± 20 %).
      const wait = pending.next_attempt_at.getTime() - Date.now();
      expect(wait).toBeGreaterThan(15_000);
      expect(wait).toBeLessThanOrEqual(60_000);
      await dueNow(eventId);
      const [, second] = await receiver.waitFor(2, a.mine);
      expect(second.headers['webhook-id']).toBe(eventId);
      expect(eventOf(second).resource_id).toBe(n.body.id);
      new Webhook(a.secret).verify(second.body, second.headers as Record<string, string>);
      await until(() => deliveryOf(eventId), (d) => d.status === 'succeeded');
      const attempts = (await a.client.get(`/v1/webhook-endpoints/${a.endpointId}/attempts`).expect(200)).body.data;
      expect(attempts.map((x: { status_code: number; error_class: string | null }) => [x.status_code, x.error_class])).toEqual([
        [200, null],
        [500, 'http_status'],
      ]);
      expect(attempts[0]).toEqual(expect.objectContaining({ object: 'webhook_attempt', event_id: eventId, latency_ms: expect.any(Number) }));
      expect(JSON.stringify(attempts)).not.toContain('xxxx');
    });

    it('honours Retry-After on a 429', async () => {
      const a = await subscribed();
      receiver.script(a.path, { status: 429, headers: { 'Retry-After': '7200' } });
      await a.client.post('/v1/numbers').send({ e164: usNumber(), country: 'US', number_type: 'local' }).expect(201);
      const [first] = await receiver.waitFor(1, a.mine);
      const d = await until(() => deliveryOf(eventOf(first).id), (x) => x.status === 'pending' && x.attempts === 1 && !x.in_flight);
      expect(d.next_attempt_at.getTime() - Date.now()).toBeGreaterThan(7_100_000);
      expect(d.next_attempt_at.getTime() - Date.now()).toBeLessThanOrEqual(7_200_000);
    });

    it('disables an endpoint answering 410 at once, records webhook_endpoint.disabled, and replays what it missed when re-enabled', async () => {
      const a = await subscribed(['number.assigned']);
      receiver.script(a.path, { status: 410 });
      await a.client.post('/v1/numbers').send({ e164: usNumber(), country: 'US', number_type: 'local' }).expect(201);
      const [gone] = await receiver.waitFor(1, a.mine);
      const endpoint = await until(
        async () => (await a.client.get(`/v1/webhook-endpoints/${a.endpointId}`).expect(200)).body,
        (e) => e.enabled === false,
      );
      expect(endpoint.disabled_reason).toBe('gone');
      const disabled = (await a.client.get('/v1/events?type=webhook_endpoint.disabled').expect(200)).body.data;
      expect(disabled).toHaveLength(1);
      expect(disabled[0].data).toMatchObject({ webhook_endpoint_id: a.endpointId, reason: 'gone' });
      // While disabled nothing is sent; the event waits.
      const missed = await a.client.post('/v1/numbers').send({ e164: usNumber(), country: 'US', number_type: 'local' }).expect(201);
      await new Promise((r) => setTimeout(r, 400));
      expect(receiver.received.filter(a.mine)).toHaveLength(1);
      await a.client.patch(`/v1/webhook-endpoints/${a.endpointId}`).send({ enabled: true }).expect(200);
      const after = await receiver.waitFor(3, a.mine);
      const resources = after.slice(1).map((w) => eventOf(w).resource_id);
      expect(resources).toContain(missed.body.id);
      expect(after.slice(1).map((w) => w.headers['webhook-id'])).toContain(gone.headers['webhook-id']);
    });

    it('signs with both secrets during a rotation overlap, and only the new one after an overlap of 0', async () => {
      const a = await subscribed();
      const rotated = await a.client.post(`/v1/webhook-endpoints/${a.endpointId}/rotate-secret`).send({ overlap_seconds: 3600 }).expect(200);
      expect(rotated.body.secret).toMatch(/^whsec_/);
      expect(rotated.body.secret).not.toBe(a.secret);
      expect(Date.parse(rotated.body.previous_secret_expires_at) - Date.now()).toBeGreaterThan(3_500_000);
      await a.client.post('/v1/numbers').send({ e164: usNumber(), country: 'US', number_type: 'local' }).expect(201);
      const [overlap] = await receiver.waitFor(1, a.mine);
      expect((overlap.headers['webhook-signature'] as string).split(' ')).toHaveLength(2);
      new Webhook(a.secret).verify(overlap.body, overlap.headers as Record<string, string>);
      new Webhook(rotated.body.secret).verify(overlap.body, overlap.headers as Record<string, string>);

      const again = await a.client.post(`/v1/webhook-endpoints/${a.endpointId}/rotate-secret`).send({ overlap_seconds: 0 }).expect(200);
      expect(again.body.previous_secret_expires_at).toBeNull();
      await a.client.post('/v1/numbers').send({ e164: usNumber(), country: 'US', number_type: 'local' }).expect(201);
      const [, single] = await receiver.waitFor(2, a.mine);
      expect((single.headers['webhook-signature'] as string).split(' ')).toHaveLength(1);
      new Webhook(again.body.secret).verify(single.body, single.headers as Record<string, string>);
      expect(() => new Webhook(rotated.body.secret).verify(single.body, single.headers as Record<string, string>)).toThrow();
    });

    it('delivers an event again on request, and a time range on replay, with the original ids', async () => {
      const a = await subscribed();
      const before = new Date(Date.now() - 1000).toISOString();
      await a.client.post('/v1/numbers').send({ e164: usNumber(), country: 'US', number_type: 'local' }).expect(201);
      await a.client.post('/v1/numbers').send({ e164: usNumber(), country: 'US', number_type: 'local' }).expect(201);
      const first = await receiver.waitFor(2, a.mine);
      const id = first[0].headers['webhook-id'] as string;
      const redo = await a.client.post(`/v1/events/${id}/redeliver`).send({}).expect(202);
      expect(redo.body).toEqual({ object: 'redelivery', queued: 1 });
      const third = (await receiver.waitFor(3, a.mine))[2];
      expect(third.headers['webhook-id']).toBe(id);
      const replay = await a.client
        .post(`/v1/webhook-endpoints/${a.endpointId}/replay`)
        .send({ from: before, to: new Date(Date.now() + 1000).toISOString() })
        .expect(202);
      expect(replay.body.queued).toBe(2);
      const all = await receiver.waitFor(5, a.mine);
      expect(new Set(all.slice(3).map((w) => w.headers['webhook-id']))).toEqual(new Set(first.map((w) => w.headers['webhook-id'])));
      const bad = await a.client.post(`/v1/webhook-endpoints/${a.endpointId}/replay`).send({ from: before, to: before });
      expect([bad.status, bad.body.error.param]).toEqual([400, 'to']);
    });

    it('warns the owners a day before disabling an endpoint that keeps failing, then disables it with an event', async () => {
      const a = await subscribed();
      receiver.script(a.path, { status: 503 }, { status: 503 }, { status: 503 });
      await a.client.post('/v1/numbers').send({ e164: usNumber(), country: 'US', number_type: 'local' }).expect(201);
      const [first] = await receiver.waitFor(1, a.mine);
      const eventId = eventOf(first).id;
      await until(() => deliveryOf(eventId), (d) => d.attempts === 1 && !d.in_flight);
      expect(mailsTo(t, a.user.email).filter((m) => m.subject.includes('webhook'))).toEqual([]);
      // Failing for 4½ days (of the 5 before disabling): the next failure warns the owners, once.
      await t.prisma.$executeRaw`UPDATE webhook_endpoints SET failing_since = now() - interval '108 hours' WHERE id = ${a.endpointId}`;
      await dueNow(eventId);
      await until(() => deliveryOf(eventId), (d) => d.attempts === 2 && !d.in_flight);
      const warnings = await until(
        async () => mailsTo(t, a.user.email).filter((m) => m.subject.includes('webhook endpoint is failing')),
        (m) => m.length === 1,
      );
      expect(warnings[0].raw).toContain(a.endpointId);
      expect((await a.client.get(`/v1/webhook-endpoints/${a.endpointId}`).expect(200)).body.enabled).toBe(true);
      // Failing for 5 days: the next failure disables it and records the event.
      await t.prisma.$executeRaw`UPDATE webhook_endpoints SET failing_since = now() - interval '121 hours' WHERE id = ${a.endpointId}`;
      await dueNow(eventId);
      const endpoint = await until(async () => (await a.client.get(`/v1/webhook-endpoints/${a.endpointId}`).expect(200)).body, (e) => !e.enabled);
      expect(endpoint.disabled_reason).toBe('failing');
      const disabled = (await a.client.get('/v1/events?type=webhook_endpoint.disabled').expect(200)).body.data;
      expect(disabled.map((e: { data: { reason: string } }) => e.data.reason)).toEqual(['failing']);
      expect(mailsTo(t, a.user.email).filter((m) => m.subject.includes('webhook endpoint is failing'))).toHaveLength(1);
      // Re-enabled, it gets the event it missed, and is healthy again.
      await a.client.patch(`/v1/webhook-endpoints/${a.endpointId}`).send({ enabled: true }).expect(200);
      await until(() => deliveryOf(eventId), (d) => d.status === 'succeeded');
      // It also learns, late, that it had been disabled.
      const got = await receiver.waitFor(5, a.mine);
      expect(new Set(got.map((w) => w.headers['webhook-id']))).toEqual(new Set([eventId, disabled[0].id]));
    });

    it('gives up on a receiver that does not answer in time, and cuts off an oversized answer', async () => {
      const a = await subscribed();
      receiver.script(a.path, 'hang', { status: 200, body: 'y'.repeat(1024 * 1024) });
      await a.client.post('/v1/numbers').send({ e164: usNumber(), country: 'US', number_type: 'local' }).expect(201);
      const [w] = await receiver.waitFor(1, a.mine);
      const eventId = eventOf(w).id;
      await until(() => deliveryOf(eventId), (d) => d.attempts === 1 && !d.in_flight, 15_000);
      await dueNow(eventId);
      await until(() => deliveryOf(eventId), (d) => d.status === 'succeeded');
      const attempts = (await a.client.get(`/v1/webhook-endpoints/${a.endpointId}/attempts`).expect(200)).body.data;
      expect(attempts.map((x: { status_code: number | null; error_class: string }) => [x.status_code, x.error_class])).toEqual([
        [200, 'response_too_large'],
        [null, 'timeout'],
      ]);
      // WEBHOOK_RESPONSE_TIMEOUT_MS is 3 s in this suite.
      expect(attempts[1].latency_ms).toBeGreaterThanOrEqual(2900);
      expect(attempts[1].latency_ms).toBeLessThan(6000);
      expect(JSON.stringify(attempts)).not.toContain('yyyy');
    });

    it('keeps delivering to other accounts while one receiver hangs', async () => {
      const slow = await subscribed();
      const fast = await subscribed();
      receiver.script(slow.path, 'hang', 'hang', 'hang');
      for (let i = 0; i < 3; i++) await slow.client.post('/v1/numbers').send({ e164: usNumber(), country: 'US', number_type: 'local' }).expect(201);
      await receiver.waitFor(3, slow.mine);
      const started = Date.now();
      await fast.client.post('/v1/numbers').send({ e164: usNumber(), country: 'US', number_type: 'local' }).expect(201);
      await receiver.waitFor(1, fast.mine);
      // Well inside the 3 s the hanging attempts are still waiting for.
      expect(Date.now() - started).toBeLessThan(2000);
    });

    it('does not follow a redirect (the attempt fails as redirect)', async () => {
      const a = await subscribed();
      receiver.script(a.path, { status: 302, headers: { Location: 'https://169.254.169.254/latest/meta-data/' } });
      await a.client.post('/v1/numbers').send({ e164: usNumber(), country: 'US', number_type: 'local' }).expect(201);
      const [w] = await receiver.waitFor(1, a.mine);
      await until(() => deliveryOf(eventOf(w).id), (d) => d.status === 'pending' && d.attempts === 1 && !d.in_flight);
      const attempts = (await a.client.get(`/v1/webhook-endpoints/${a.endpointId}/attempts`).expect(200)).body.data;
      expect(attempts.map((x: { status_code: number; error_class: string }) => [x.status_code, x.error_class])).toEqual([[302, 'redirect']]);
    });
  });

  it('documents every customer event in the OpenAPI 3.1 webhooks section, matching what is delivered', async () => {
    const doc = (await t.http().get('/docs/openapi.json').expect(200)).body;
    expect(doc.openapi).toBe('3.1.0');
    const types = Object.keys(doc.webhooks).sort();
    expect(types).toContain('bundle.rejected');
    expect(types).not.toContain('retention.run_completed');
    const a = await subscribed();
    await a.client.post('/v1/numbers').send({ e164: usNumber(), country: 'US', number_type: 'local' }).expect(201);
    const [w] = await receiver.waitFor(1, a.mine);
    const body = JSON.parse(w.body);
    const ref = doc.webhooks[body.type].post.requestBody.content['application/json'].schema.$ref as string;
    const schema = doc.components.schemas[ref.split('/').pop()!];
    expect(Object.keys(body).sort()).toEqual([...schema.required].sort());
    expect(Object.keys(body.data).sort()).toEqual([...schema.properties.data.required].sort());
  });
});
