import { apiKeyChecksum, hashApiKey } from '../../src/identity/api-keys/api-key-token';
import { openFromSnapshot } from '../../src/platform/database/pglite-snapshot';
import { mailsTo } from '../support/mailbox';
import { bearerClient, seedApiKey, seedUser, sessionClient, type SeededUser } from '../support/seed';
import { startTestApp, type TestApp, type TestClient, usingPostgres } from '../support/test-app';

const KEY_FORMAT = /^didhub_live_[0-9A-Za-z]{46}$/;

/**
 * Whether the guard accepts a key, probed through a real route: GET /v1/api-keys is session-only,
 * so a valid key gets 403 session_required (it was authenticated, then refused as a key) while a
 * bad one gets 401. (test/identity/auth-guard.e2e-spec.ts shows keys getting 200s on either-scheme routes.)
 */
async function keyVerdict(t: TestApp, key: string): Promise<'accepted' | 'refused'> {
  const res = await bearerClient(t, key).get('/v1/api-keys');
  if (res.status === 403 && res.body.error.code === 'session_required') return 'accepted';
  if (res.status === 401 && res.body.error.code === 'invalid_api_key') return 'refused';
  throw new Error(`unexpected answer ${res.status} ${JSON.stringify(res.body)}`);
}

describe('API keys', () => {
  let t: TestApp;
  let owner: SeededUser;
  let dashboard: TestClient;

  beforeAll(async () => {
    t = await startTestApp();
    owner = await seedUser(t, { apiKeysEnabled: true });
    dashboard = await sessionClient(t, owner);
  });

  afterAll(async () => {
    await t.close();
  });

  async function createKey(body: Record<string, unknown> = { name: 'integration' }, client = dashboard) {
    const res = await client.post('/v1/api-keys').send(body);
    expect(res.status).toBe(201);
    return res.body as { id: string; key: string; prefix: string; [field: string]: unknown };
  }

  describe('creating a key', () => {
    it('returns the key once, with a checksum, and it works as a bearer credential', async () => {
      const res = await dashboard.post('/v1/api-keys').send({ name: '  billing sync ' });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        object: 'api_key',
        id: expect.stringMatching(/^key_[0-9A-Za-z]{22}$/),
        name: 'billing sync',
        prefix: res.body.key.slice(0, 18),
        scopes: ['*'],
        status: 'active',
        expires_at: null,
        revoked_at: null,
        created_at: expect.any(String),
        last_used_at: null,
        last_used_ip: null,
        key: expect.stringMatching(KEY_FORMAT),
      });
      const secret = res.body.key.slice('didhub_live_'.length);
      expect(apiKeyChecksum(secret.slice(0, 40))).toBe(secret.slice(40));
      expect(await keyVerdict(t, res.body.key)).toBe('accepted');
    });

    it('never shows the key again: not in the list, not in the key itself', async () => {
      const created = await createKey({ name: 'shown once' });
      const list = await dashboard.get('/v1/api-keys');
      expect(list.status).toBe(200);
      const listed = list.body.data.find((k: { id: string }) => k.id === created.id);
      expect(listed).toMatchObject({ object: 'api_key', name: 'shown once', prefix: created.prefix });
      expect(listed).not.toHaveProperty('key');
      expect(JSON.stringify(list.body)).not.toContain(created.key);

      const one = await dashboard.get(`/v1/api-keys/${created.id}`);
      expect(one.status).toBe(200);
      expect(one.body).not.toHaveProperty('key');
      expect(JSON.stringify(one.body)).not.toContain(created.key);
    });

    it('leaves no raw key anywhere in the database, only its keyed hash and display prefix', async () => {
      // With an Idempotency-Key, so the stored replay record is searched as well.
      const res = await dashboard.post('/v1/api-keys').set('Idempotency-Key', `raw-key-check-${Date.now()}`).send({ name: 'hash only' });
      expect(res.status).toBe(201);
      const created = res.body as { id: string; key: string };
      const secret = created.key.slice('didhub_live_'.length);
      const secretWithoutChecksum = secret.slice(0, 40);

      const rows = await t.prisma.$queryRawUnsafe<{ row: string }[]>(
        'SELECT row_to_json(k)::text AS row FROM api_keys k WHERE id = $1',
        created.id,
      );
      expect(rows).toHaveLength(1);
      const stored = JSON.parse(rows[0].row) as Record<string, unknown>;
      expect(stored.key_hash).toBe(hashApiKey(created.key, t.config.apiKeyPepper));
      expect(stored.prefix).toBe(created.key.slice(0, 18));

      // Every text column of every table, not only api_keys: a raw key must not hide in a log,
      // idempotency or audit table either.
      const tables = await t.prisma.$queryRawUnsafe<{ table_name: string }[]>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
      );
      expect(tables.map((r) => r.table_name)).toContain('api_keys');
      for (const { table_name } of tables) {
        const dump = await t.prisma.$queryRawUnsafe<{ row: string }[]>(`SELECT row_to_json(x)::text AS row FROM "${table_name}" x`);
        for (const { row } of dump) {
          expect(row).not.toContain(created.key);
          expect(row).not.toContain(secret);
          expect(row).not.toContain(secretWithoutChecksum);
        }
      }
    });

    it('accepts granular scopes, collapsing duplicates', async () => {
      const created = await createKey({ name: 'reader', scopes: ['cdrs:read', 'numbers:read', 'cdrs:read'] });
      expect(created.scopes).toEqual(['cdrs:read', 'numbers:read']);
      const row = await t.prisma.apiKey.findUniqueOrThrow({ where: { id: created.id } });
      expect(row.scopes).toEqual(['cdrs:read', 'numbers:read']);
    });

    it('accepts a future expiry', async () => {
      const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
      const created = await createKey({ name: 'temporary', expires_at: expiresAt });
      expect(created.expires_at).toBe(expiresAt);
      expect(await keyVerdict(t, created.key)).toBe('accepted');
    });

    it.each([
      [{ name: 'x', scopes: ['cdrs:delete'] }, 'scopes'],
      [{ name: 'x', scopes: ['*', 'cdrs:read'] }, 'scopes'],
      [{ name: 'x', scopes: [] }, 'scopes'],
      [{ name: 'x', scopes: 'cdrs:read' }, 'scopes'],
      [{ name: 'x', scopes: [42] }, 'scopes[0]'],
      [{ name: 'x', expires_at: new Date(Date.now() - 60_000).toISOString() }, 'expires_at'],
      [{ name: 'x', expires_at: 'tomorrow' }, 'expires_at'],
      [{ name: 'x', expires_at: 1893456000 }, 'expires_at'],
      [{}, 'name'],
      [{ name: '   ' }, 'name'],
      [{ name: 'x'.repeat(101) }, 'name'],
      [{ name: 'x', key: 'didhub_live_mine' }, 'key', 'unknown_parameter'],
    ])('refuses %j with 400 naming %s, and writes nothing', async (body, param, code = 'parameter_invalid') => {
      const before = await t.prisma.apiKey.count({ where: { accountId: owner.accountId } });
      const res = await dashboard.post('/v1/api-keys').send(body);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ type: 'invalid_request_error', code, param });
      expect(await t.prisma.apiKey.count({ where: { accountId: owner.accountId } })).toBe(before);
    });

    it('mails every owner of the account with the name and prefix, never the key', async () => {
      const firstOwner = await seedUser(t, { apiKeysEnabled: true });
      const secondOwner = await seedUser(t, { accountId: firstOwner.accountId, role: 'owner' });
      const admin = await seedUser(t, { accountId: firstOwner.accountId, role: 'admin' });
      const created = await createKey({ name: 'ci deploy' }, await sessionClient(t, admin));

      for (const recipient of [firstOwner, secondOwner]) {
        const mails = mailsTo(t, recipient.email).filter((m) => m.subject === 'New API key created');
        expect(mails).toHaveLength(1);
        expect(mails[0].raw).toContain('ci deploy');
        expect(mails[0].raw).toContain(created.prefix);
        expect(mails[0].raw).not.toContain(created.key);
        expect(mails[0].raw).not.toContain(created.key.slice('didhub_live_'.length));
      }
      expect(mailsTo(t, admin.email)).toHaveLength(0);
    });

    it('is for owners and admins only', async () => {
      const member = await seedUser(t, { accountId: owner.accountId, role: 'member', permissions: ['cdrs:read'] });
      const memberClient = await sessionClient(t, member);
      for (const res of [
        await memberClient.post('/v1/api-keys').send({ name: 'mine' }),
        await memberClient.get('/v1/api-keys'),
      ]) {
        expect(res.status).toBe(403);
        expect(res.body.error).toMatchObject({ type: 'permission_error', code: 'forbidden' });
      }
      const admin = await seedUser(t, { accountId: owner.accountId, role: 'admin' });
      await createKey({ name: 'by admin', scopes: ['numbers:write'] }, await sessionClient(t, admin));
    });

    it('is refused with api_keys_not_enabled while the beta is off for the account', async () => {
      const outsider = await seedUser(t, { apiKeysEnabled: false });
      const res = await (await sessionClient(t, outsider)).post('/v1/api-keys').send({ name: 'early' });
      expect(res.status).toBe(403);
      expect(res.body.error).toMatchObject({ type: 'permission_error', code: 'api_keys_not_enabled' });
      expect(await t.prisma.apiKey.count({ where: { accountId: outsider.accountId } })).toBe(0);
    });

    it('cannot be done with an API key (session only)', async () => {
      const key = await seedApiKey(t, owner.accountId);
      const res = await bearerClient(t, key).post('/v1/api-keys').send({ name: 'key minting keys' });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('session_required');
    });
  });

  describe('listing keys', () => {
    it('pages newest first with a keyset cursor', async () => {
      const lister = await seedUser(t, { apiKeysEnabled: true });
      const client = await sessionClient(t, lister);
      const ids: string[] = [];
      for (const name of ['one', 'two', 'three']) ids.push((await createKey({ name }, client)).id);

      const first = await client.get('/v1/api-keys?limit=2');
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ object: 'list', has_more: true, next_cursor: expect.any(String) });
      const second = await client.get(`/v1/api-keys?limit=2&cursor=${encodeURIComponent(first.body.next_cursor)}`);
      expect(second.body).toMatchObject({ has_more: false, next_cursor: null });
      const seen = [...first.body.data, ...second.body.data].map((k: { name: string }) => k.name);
      expect(seen).toEqual(['three', 'two', 'one']);

      const bad = await client.get('/v1/api-keys?cursor=forged.cursor');
      expect(bad.status).toBe(400);
      expect(bad.body.error.param).toBe('cursor');
      expect((await client.get('/v1/api-keys?limit=101')).body.error.param).toBe('limit');
    });
  });

  describe('revoking a key', () => {
    it('refuses the key on the very next request and keeps it out of the list', async () => {
      const created = await createKey({ name: 'to revoke' });
      expect(await keyVerdict(t, created.key)).toBe('accepted');

      const res = await dashboard.delete(`/v1/api-keys/${created.id}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ object: 'api_key', id: created.id, status: 'revoked', revoked_at: expect.any(String) });
      expect(res.body).not.toHaveProperty('key');
      expect(await keyVerdict(t, created.key)).toBe('refused');

      const list = await dashboard.get('/v1/api-keys?limit=100');
      expect(list.body.data.map((k: { id: string }) => k.id)).not.toContain(created.id);
      const again = await dashboard.delete(`/v1/api-keys/${created.id}`);
      expect(again.status).toBe(200);
      expect(again.body.revoked_at).toBe(res.body.revoked_at);
      expect((await dashboard.get(`/v1/api-keys/${created.id}`)).body.status).toBe('revoked');
    });

    it('answers 404 for another account’s key and leaves it working', async () => {
      const created = await createKey({ name: 'not yours' });
      const stranger = await seedUser(t, { apiKeysEnabled: true });
      const strangerClient = await sessionClient(t, stranger);
      for (const res of [
        await strangerClient.get(`/v1/api-keys/${created.id}`),
        await strangerClient.delete(`/v1/api-keys/${created.id}`),
      ]) {
        expect(res.status).toBe(404);
        expect(res.body.error.code).toBe('resource_missing');
      }
      expect(await keyVerdict(t, created.key)).toBe('accepted');
      expect((await dashboard.get('/v1/api-keys/not-an-id')).status).toBe(404);
      expect((await dashboard.delete('/v1/api-keys/key_0000000000000000000000')).status).toBe(404);
    });

    it('cannot be done with an API key, not even the key itself', async () => {
      const created = await createKey({ name: 'self destruct' });
      const res = await bearerClient(t, created.key).delete(`/v1/api-keys/${created.id}`);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('session_required');
      expect(await keyVerdict(t, created.key)).toBe('accepted');
    });
  });

  describe('refusing keys', () => {
    it('gives one and the same 401 for malformed headers, unknown, revoked, expired keys and closed accounts', async () => {
      const revoked = await createKey({ name: 'revoked' });
      await dashboard.delete(`/v1/api-keys/${revoked.id}`).expect(200);
      const expired = await createKey({ name: 'expired', expires_at: new Date(Date.now() + 60_000).toISOString() });
      // Time passing: the expiry moves into the past, as it would a minute later.
      await t.prisma.apiKey.update({ where: { id: expired.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
      expect((await dashboard.get(`/v1/api-keys/${expired.id}`)).body.status).toBe('expired');
      const closedOwner = await seedUser(t, { apiKeysEnabled: true });
      const closedKey = await seedApiKey(t, closedOwner.accountId);
      await t.prisma.account.update({ where: { id: closedOwner.accountId }, data: { status: 'closed', closedAt: new Date() } });

      const secret = 'A'.repeat(40);
      const unknownButWellFormed = `didhub_live_${secret}${apiKeyChecksum(secret)}`;
      const badChecksum = `didhub_live_${secret}000000`;
      const headers = [
        'Basic dXNlcjpwYXNz',
        'Bearer',
        'Bearer ',
        'Bearer a b',
        'Token didhub_live_abc',
        `Bearer ${badChecksum}`,
        `Bearer ${unknownButWellFormed}`,
        `Bearer ${revoked.key}`,
        `Bearer ${expired.key}`,
        `Bearer ${closedKey}`,
        `Bearer ${'x'.repeat(2000)}`,
      ];
      const errors: Record<string, unknown>[] = [];
      for (const header of headers) {
        const res = await t.http().get('/v1/api-keys').set('Authorization', header);
        expect({ header, status: res.status }).toEqual({ header, status: 401 });
        const { request_id, ...error } = res.body.error;
        expect(request_id).toEqual(expect.any(String));
        errors.push(error);
      }
      expect(errors.every((e) => JSON.stringify(e) === JSON.stringify(errors[0]))).toBe(true);
      expect(errors[0]).toEqual({ type: 'authentication_error', code: 'invalid_api_key', message: 'Invalid API key.' });
    });
  });

  describe('last use', () => {
    it('records last_used_at and the IP, and does not rewrite them within a minute', async () => {
      const created = await createKey({ name: 'used' });
      expect(await keyVerdict(t, created.key)).toBe('accepted');
      const first = await t.prisma.apiKey.findUniqueOrThrow({ where: { id: created.id } });
      expect(first.lastUsedAt).toBeInstanceOf(Date);
      expect(first.lastUsedIp).toBe('127.0.0.1');

      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await keyVerdict(t, created.key)).toBe('accepted');
      const second = await t.prisma.apiKey.findUniqueOrThrow({ where: { id: created.id } });
      expect(second.lastUsedAt?.getTime()).toBe(first.lastUsedAt?.getTime());

      const shown = await dashboard.get(`/v1/api-keys/${created.id}`);
      expect(shown.body).toMatchObject({ last_used_at: first.lastUsedAt?.toISOString(), last_used_ip: '127.0.0.1' });

      // A minute later (moved back in the database rather than waited for), the next use writes again.
      const longAgo = new Date(Date.now() - 61_000);
      await t.prisma.apiKey.update({ where: { id: created.id }, data: { lastUsedAt: longAgo } });
      expect(await keyVerdict(t, created.key)).toBe('accepted');
      const third = await t.prisma.apiKey.findUniqueOrThrow({ where: { id: created.id } });
      expect(third.lastUsedAt!.getTime()).toBeGreaterThan(longAgo.getTime() + 60_000);
    });
  });
});

describe('API key revocation across instances', () => {
  it('a key revoked through instance A is refused by instance B on its next request', async () => {
    // PostgreSQL: two app instances, each with its own connection pool, on the run's database —
    // the deployment shape. PGlite allows one instance per process, so the embedded variant runs
    // two complete app instances (separate Nest containers, verifiers and Prisma clients) over
    // one shared PGlite handle: it still proves nothing about a key is cached in an instance.
    const shared = usingPostgres() ? undefined : await openFromSnapshot(process.env.DIDHUB_TEST_SNAPSHOT!);
    const a = await startTestApp({ database: shared });
    const b = await startTestApp({ database: shared });
    try {
      const owner = await seedUser(a, { apiKeysEnabled: true });
      const created = await (await sessionClient(a, owner)).post('/v1/api-keys').send({ name: 'shared' });
      expect(created.status).toBe(201);
      expect(await keyVerdict(a, created.body.key)).toBe('accepted');
      expect(await keyVerdict(b, created.body.key)).toBe('accepted');

      const revoked = await (await sessionClient(a, owner)).delete(`/v1/api-keys/${created.body.id}`);
      expect(revoked.status).toBe(200);

      expect(await keyVerdict(b, created.body.key)).toBe('refused');
      expect(await keyVerdict(a, created.body.key)).toBe('refused');
    } finally {
      await b.close();
      await a.close();
    }
  });
});
