import { randomBytes } from 'node:crypto';
import { ENCRYPTED_FIELDS, encryptionContext } from '../../src/platform/crypto/encrypted-fields';
import { EncryptionService } from '../../src/platform/crypto/encryption.service';
import { newId } from '../../src/platform/ids/ids';
import { type IdempotencyLease, IdempotencyService } from '../../src/pipeline/idempotency/idempotency.service';
import { seedApiKey, seedUser, sessionClient, type SeededUser } from '../support/seed';
import { startTestApp, type TestApp } from '../support/test-app';

const newKey = () => `idem-${randomBytes(8).toString('hex')}`;

describe('Idempotency-Key on mutations', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  async function owner(): Promise<SeededUser> {
    return seedUser(t, { apiKeysEnabled: true });
  }

  it('20 concurrent identical requests create exactly one API key; the others are replays or 409', async () => {
    const user = await owner();
    const client = await sessionClient(t, user);
    const key = newKey();
    const body = { name: 'concurrent key', scopes: ['cdrs:read'] };
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => client.post('/v1/api-keys').set('Idempotency-Key', key).send(body)),
    );

    expect(await t.prisma.apiKey.count({ where: { accountId: user.accountId } })).toBe(1);
    const originals = responses.filter((r) => r.status === 201 && r.headers['idempotent-replayed'] === undefined);
    const replays = responses.filter((r) => r.status === 201 && r.headers['idempotent-replayed'] === 'true');
    const inProgress = responses.filter((r) => r.status === 409);
    expect(originals).toHaveLength(1);
    expect(replays.length + inProgress.length).toBe(19);
    for (const r of inProgress) {
      expect(r.body.error).toMatchObject({ type: 'idempotency_error', code: 'idempotency_request_in_progress' });
      expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }
    const created = originals[0].body;
    expect(created.key).toMatch(/^didhub_live_/);
    for (const r of replays) {
      expect(r.body.id).toBe(created.id);
      expect(r.body).not.toHaveProperty('key');
    }

    // Once finished, a retry is always a replay.
    const again = await client.post('/v1/api-keys').set('Idempotency-Key', key).send(body).expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(Object.fromEntries(Object.entries(created).filter(([name]) => name !== 'key')));
  });

  it('never stores the secret a response carries (the new API key)', async () => {
    const user = await owner();
    const client = await sessionClient(t, user);
    const key = newKey();
    const res = await client.post('/v1/api-keys').set('Idempotency-Key', key).send({ name: 'secret check' }).expect(201);
    const raw: string = res.body.key;
    const record = await t.prisma.idempotencyRecord.findUniqueOrThrow({ where: { accountId_principalId_key: { accountId: user.accountId, principalId: `user:${user.userId}`, key } } });
    expect(record.state).toBe('completed');
    expect(record.responseStatus).toBe(201);
    expect(Buffer.from(record.responseEnc!).toString('latin1')).not.toContain(raw);
    // Even opened with the data key, the stored response holds no trace of the raw key.
    const opened = t.app.get(EncryptionService).decryptBytes(record.responseEnc!, encryptionContext(ENCRYPTED_FIELDS.idempotencyResponse, record.id)).toString('utf8');
    expect(opened).not.toContain(raw);
    const stored = JSON.parse(opened) as { headers: Record<string, string>; body: unknown };
    expect(stored.body).not.toHaveProperty('key');
    expect(stored.body).toMatchObject({ id: res.body.id, object: 'api_key' });
    expect(JSON.stringify(stored.headers).toLowerCase()).not.toContain('set-cookie');
  });

  it("replays an invitation whole, the invitee's e-mail address included, and stores it only encrypted", async () => {
    const user = await owner();
    const client = await sessionClient(t, user);
    const key = newKey();
    const email = `idem-invitee-${key.slice(0, 12)}@example.test`;
    const first = await client.post('/v1/account/members').set('Idempotency-Key', key).send({ email, role: 'member', permissions: ['cdrs:read'] }).expect(201);
    expect(JSON.stringify(first.body)).toContain(email);
    const replay = await client.post('/v1/account/members').set('Idempotency-Key', key).send({ email, role: 'member', permissions: ['cdrs:read'] }).expect(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.text).toBe(first.text);
    const record = await t.prisma.idempotencyRecord.findUniqueOrThrow({ where: { accountId_principalId_key: { accountId: user.accountId, principalId: `user:${user.userId}`, key } } });
    expect(Buffer.from(record.responseEnc!).toString('latin1')).not.toContain(email);
  });

  it('replays a DELETE without running it again', async () => {
    const user = await owner();
    const client = await sessionClient(t, user);
    await seedApiKey(t, user.accountId);
    const row = await t.prisma.apiKey.findFirstOrThrow({ where: { accountId: user.accountId } });
    const key = newKey();
    const first = await client.delete(`/v1/api-keys/${row.id}`).set('Idempotency-Key', key).expect(200);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(first.body).toMatchObject({ id: row.id, status: 'revoked' });

    // Were the handler run again it would still succeed; the record proves it was not.
    await t.prisma.apiKey.update({ where: { id: row.id }, data: { name: 'renamed after revoke' } });
    const second = await client.delete(`/v1/api-keys/${row.id}`).set('Idempotency-Key', key).expect(200);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.body).toEqual(first.body);
    expect(second.body.name).not.toBe('renamed after revoke');
  });

  it('replays a PATCH, and refuses the same key with another body without changing anything', async () => {
    const user = await owner();
    const client = await sessionClient(t, user);
    const key = newKey();
    const first = await client.patch('/v1/account').set('Idempotency-Key', key).send({ name: 'Alpha Ltd' }).expect(200);
    const second = await client.patch('/v1/account').set('Idempotency-Key', key).send({ name: 'Alpha Ltd' }).expect(200);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.body).toEqual(first.body);
    const other = await client.patch('/v1/account').set('Idempotency-Key', key).send({ name: 'Beta Ltd' }).expect(422);
    expect(other.body.error.code).toBe('idempotency_key_reused');
    expect((await t.prisma.account.findUniqueOrThrow({ where: { id: user.accountId } })).name).toBe('Alpha Ltd');
  });

  it('answers 422 idempotency_key_reused for the same key with a different body, path or method', async () => {
    const user = await owner();
    const client = await sessionClient(t, user);
    const key = newKey();
    await client.post('/v1/api-keys').set('Idempotency-Key', key).send({ name: 'first' }).expect(201);
    const otherBody = await client.post('/v1/api-keys').set('Idempotency-Key', key).send({ name: 'second' }).expect(422);
    expect(otherBody.body.error).toMatchObject({ type: 'idempotency_error', code: 'idempotency_key_reused' });
    await client.delete(`/v1/api-keys/${newId('apiKey')}`).set('Idempotency-Key', key).expect(422);
    expect(await t.prisma.apiKey.count({ where: { accountId: user.accountId } })).toBe(1);
  });

  it('treats key order in the JSON body as the same request', async () => {
    const user = await owner();
    const client = await sessionClient(t, user);
    const key = newKey();
    await client.post('/v1/api-keys').set('Idempotency-Key', key).send({ name: 'ordered', scopes: ['cdrs:read'] }).expect(201);
    const replay = await client
      .post('/v1/api-keys')
      .set('Idempotency-Key', key)
      .set('Content-Type', 'application/json')
      .send('{"scopes":["cdrs:read"],"name":"ordered"}')
      .expect(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
  });

  it('keys are scoped to the account: another account may use the same key', async () => {
    const a = await sessionClient(t, await owner());
    const bUser = await owner();
    const b = await sessionClient(t, bUser);
    const key = newKey();
    await a.post('/v1/api-keys').set('Idempotency-Key', key).send({ name: 'a' }).expect(201);
    const res = await b.post('/v1/api-keys').set('Idempotency-Key', key).send({ name: 'b' }).expect(201);
    expect(res.headers['idempotent-replayed']).toBeUndefined();
    expect(await t.prisma.apiKey.count({ where: { accountId: bUser.accountId } })).toBe(1);
  });

  it('rejects a malformed Idempotency-Key with 400 naming the header', async () => {
    const client = await sessionClient(t, await owner());
    // (Control and non-ASCII characters are refused by HTTP clients before they are ever sent.)
    for (const bad of ['x'.repeat(256), 'has space', '']) {
      const res = await client.post('/v1/api-keys').set('Idempotency-Key', bad).send({ name: 'n' }).expect(400);
      expect(res.body.error).toMatchObject({ code: 'parameter_invalid', param: 'Idempotency-Key' });
    }
    await client.post('/v1/api-keys').set('Idempotency-Key', 'k'.repeat(255)).send({ name: 'longest key' }).expect(201);
  });

  it('keeps a 4xx result: the same invalid request is answered again from the record', async () => {
    const user = await owner();
    const client = await sessionClient(t, user);
    const key = newKey();
    const first = await client.post('/v1/api-keys').set('Idempotency-Key', key).send({ name: 'bad', scopes: ['nope'] }).expect(400);
    const again = await client.post('/v1/api-keys').set('Idempotency-Key', key).send({ name: 'bad', scopes: ['nope'] }).expect(400);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
  });

  it('never replays Set-Cookie: a replayed sign-out neither clears the cookie nor ends the other session', async () => {
    const user = await owner();
    const first = await sessionClient(t, user);
    const second = await sessionClient(t, user);
    const key = newKey();
    const out = await first.post('/v1/auth/logout').set('Idempotency-Key', key).expect(204);
    expect(String(out.headers['set-cookie'])).toContain('didhub_sid=');

    const replay = await second.post('/v1/auth/logout').set('Idempotency-Key', key).expect(204);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.headers['set-cookie']).toBeUndefined();
    await second.get('/v1/auth/me').expect(200);
  });

  it('public sign-in endpoints ignore the header (there is no account to scope it to)', async () => {
    const user = await owner();
    const key = newKey();
    for (let i = 0; i < 2; i++) {
      const res = await t.http().post('/v1/auth/login').set('Idempotency-Key', key).send({ email: user.email, password: user.password });
      expect(res.status).toBe(200);
      expect(res.headers['idempotent-replayed']).toBeUndefined();
      expect(String(res.headers['set-cookie'])).toContain('didhub_sid=');
    }
    expect(await t.prisma.idempotencyRecord.count({ where: { key } })).toBe(0);
  });

  it('documents the header on customer mutations only', async () => {
    const doc = (await t.http().get('/docs/openapi.json').expect(200)).body;
    const header = (op: { parameters?: { name: string }[] }) => (op.parameters ?? []).some((p) => p.name === 'Idempotency-Key');
    expect(header(doc.paths['/v1/api-keys'].post)).toBe(true);
    expect(header(doc.paths['/v1/auth/login'].post)).toBe(false);
    expect(doc.info.description).toContain('Idempotent-Replayed');
  });

  describe('record rules (service over the real database)', () => {
    const scope = (accountId: string, key: string) => ({
      accountId,
      principalId: 'user:usr_test',
      key,
      method: 'POST',
      path: '/v1/things',
      fingerprint: 'f'.repeat(64),
    });

    it('forgets a 5xx so the client may retry, and keeps a 2xx', async () => {
      const { accountId } = await owner();
      const service = t.app.get(IdempotencyService);
      const key = newKey();
      const first = await service.begin(scope(accountId, key));
      expect(first.kind).toBe('execute');
      await service.finish((first as { lease: IdempotencyLease }).lease, { status: 503, body: { error: {} }, headers: {} });
      expect(await t.prisma.idempotencyRecord.count({ where: { accountId, key } })).toBe(0);

      const retry = await service.begin(scope(accountId, key));
      expect(retry.kind).toBe('execute');
      await service.finish((retry as { lease: IdempotencyLease }).lease, {
        status: 201,
        body: { id: 'x', object: 'thing', secret: 's3cr3t', nested: { recovery_codes: ['a'] } },
        headers: { location: '/v1/things/x' },
      });
      const replay = await service.begin(scope(accountId, key));
      expect(replay).toEqual({
        kind: 'replay',
        response: { status: 201, body: { id: 'x', object: 'thing', nested: {} }, headers: { location: '/v1/things/x' } },
      });
    });

    it('lets a retry take over a request whose holder died (lock expired), not one still running', async () => {
      const { accountId } = await owner();
      const service = t.app.get(IdempotencyService);
      const key = newKey();
      const start = new Date();
      await service.begin(scope(accountId, key), start);
      await expect(service.begin(scope(accountId, key), new Date(start.getTime() + 1000))).rejects.toMatchObject({
        body: { code: 'idempotency_request_in_progress' },
      });
      const later = await service.begin(scope(accountId, key), new Date(start.getTime() + t.config.idempotencyLockSeconds * 1000 + 1000));
      expect(later.kind).toBe('execute');
    });

    it('purges expired records in batches and treats an expired key as new', async () => {
      const { accountId } = await owner();
      const service = t.app.get(IdempotencyService);
      const old = new Date(Date.now() - 25 * 60 * 60 * 1000);
      const expiredKeys = [newKey(), newKey(), newKey()];
      for (const key of expiredKeys) {
        const d = await service.begin(scope(accountId, key), old);
        await service.finish((d as { lease: IdempotencyLease }).lease, { status: 200, body: { ok: true }, headers: {} });
      }
      const fresh = newKey();
      await service.begin(scope(accountId, fresh));

      const reused = await service.begin(scope(accountId, expiredKeys[0]));
      expect(reused.kind).toBe('execute');

      let purged = 0;
      for (let n = await service.purgeExpired(1); n > 0; n = await service.purgeExpired(1)) purged += n;
      expect(purged).toBeGreaterThanOrEqual(2);
      const left = await t.prisma.idempotencyRecord.findMany({ where: { accountId }, select: { key: true } });
      expect(left.map((r) => r.key).sort()).toEqual([expiredKeys[0], fresh].sort());
    });
  });
});
