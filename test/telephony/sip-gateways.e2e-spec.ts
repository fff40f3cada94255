import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { encryptionContext, ENCRYPTED_FIELDS } from '../../src/platform/crypto/encrypted-fields';
import { EncryptionService } from '../../src/platform/crypto/encryption.service';
import { KeyRotationRepository } from '../../src/data-protection/key-rotation/key-rotation.repository';
import { KeyRotationService } from '../../src/data-protection/key-rotation/key-rotation.service';
import { bearerClient, seedApiKey, seedUser, sessionClient } from '../support/seed';
import { startTestApp, TEST_ADMIN_TOKEN, type TestApp, type TestClient, usingPostgres } from '../support/test-app';

const PASSWORD = 'digest-Secret-4711-xyzzy';

function gatewayBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: 'Frankfurt SBC', host: 'sbc1.example.com', transport: 'tls', username: 'trunk-1', password: PASSWORD, ...overrides };
}

interface StoredGateway {
  id: string;
  password_enc: string;
}

describe('SIP gateways', () => {
  let t: TestApp;
  const logs: string[] = [];
  let dashboard: TestClient;
  let accountId: string;

  beforeAll(async () => {
    t = await startTestApp({ captureLogs: logs, env: { LOG_LEVEL: 'debug' } });
    const owner = await seedUser(t);
    accountId = owner.accountId;
    dashboard = await sessionClient(t, owner);
  });
  afterAll(async () => {
    await t.close();
  });

  const stored = async (id: string): Promise<StoredGateway> =>
    (await t.prisma.$queryRawUnsafe<StoredGateway[]>('SELECT id, password_enc FROM sip_gateways WHERE id = $1', id))[0];

  it('creates a gateway with a write-only password, default port by transport, and an sipgw_ id', async () => {
    const res = await dashboard.post('/v1/sip-gateways').send(gatewayBody()).expect(201);
    expect(res.body).toMatchObject({
      object: 'sip_gateway',
      name: 'Frankfurt SBC',
      host: 'sbc1.example.com',
      port: 5061,
      transport: 'tls',
      username: 'trunk-1',
      password_set: true,
    });
    expect(res.body.id).toMatch(/^sipgw_[0-9A-Za-z]{22}$/);
    expect(Date.parse(res.body.password_updated_at)).not.toBeNaN();
    expect(JSON.stringify(res.body)).not.toContain(PASSWORD);
    expect(res.body).not.toHaveProperty('password');

    const udp = await dashboard.post('/v1/sip-gateways').send(gatewayBody({ transport: 'udp', host: '93.184.216.34' })).expect(201);
    expect(udp.body).toMatchObject({ port: 5060, host: '93.184.216.34' });
    const tcp = await dashboard.post('/v1/sip-gateways').send(gatewayBody({ transport: undefined, host: '2A00:1450:4001:82A::200E', port: 5080 })).expect(201);
    expect(tcp.body).toMatchObject({ port: 5080, transport: 'udp', host: '2a00:1450:4001:82a::200e' });
  });

  it('stores only ciphertext: a raw SQL read never shows the password', async () => {
    const { body } = await dashboard.post('/v1/sip-gateways').send(gatewayBody()).expect(201);
    const row = await stored(body.id);
    expect(row.password_enc).toMatch(/^v1\.test1\./);
    expect(row.password_enc).not.toContain(PASSWORD);
    const all = JSON.stringify(await t.prisma.$queryRawUnsafe('SELECT * FROM sip_gateways WHERE account_id = $1', accountId));
    expect(all).not.toContain(PASSWORD);
    // The ciphertext is bound to its row: decrypting it in the context of another row fails.
    const enc = t.app.get(EncryptionService);
    expect(enc.decryptString(row.password_enc, encryptionContext(ENCRYPTED_FIELDS.sipGatewayPassword, body.id))).toBe(PASSWORD);
    expect(() => enc.decryptString(row.password_enc, encryptionContext(ENCRYPTED_FIELDS.sipGatewayPassword, 'sipgw_other'))).toThrow();
  });

  // pg_dump exists only for PostgreSQL; the raw SQL read above covers both databases.
  if (usingPostgres()) {
  it('leaves no plaintext password in a pg_dump of the database', async () => {
    const marker = `pgdump-${randomBytes(8).toString('hex')}`;
    await dashboard.post('/v1/sip-gateways').send(gatewayBody({ password: marker })).expect(201);
    const url = new URL(process.env.DIDHUB_TEST_SERVER_URL!);
    url.pathname = `/${process.env.DIDHUB_TEST_DATABASE}`;
    const dump = execFileSync('pg_dump', ['--data-only', '--table=sip_gateways', url.toString()], { maxBuffer: 64 * 1024 * 1024 }).toString();
    expect(dump).toContain('sipgw_');
    expect(dump).not.toContain(marker);
  });
  }

  it('validates each field with a 400 naming it, and writes nothing', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [gatewayBody({ host: 'sip:sbc1.example.com' }), 'host'],
      [gatewayBody({ host: 'https://sbc1.example.com/path' }), 'host'],
      [gatewayBody({ host: 'sbc1.example.com:5060' }), 'host'],
      [gatewayBody({ host: 'user@sbc1.example.com' }), 'host'],
      [gatewayBody({ host: '[2001:db8::1]' }), 'host'],
      [gatewayBody({ host: '10.0.0.300' }), 'host'],
      [gatewayBody({ host: 'sbc 1.example.com' }), 'host'],
      [gatewayBody({ port: 0 }), 'port'],
      [gatewayBody({ port: 65536 }), 'port'],
      [gatewayBody({ port: '5060' }), 'port'],
      [gatewayBody({ transport: 'sctp' }), 'transport'],
      [gatewayBody({ password: 'short-11ch' }), 'password'],
      [gatewayBody({ password: undefined }), 'password'],
      [gatewayBody({ name: 'Line\nbreak' }), 'name'],
      [gatewayBody({ username: 'two words' }), 'username'],
      [gatewayBody({ password_set: false }), 'password_set'],
    ];
    const before = await t.prisma.sipGateway.count({ where: { accountId } });
    for (const [body, param] of cases) {
      const res = await dashboard.post('/v1/sip-gateways').send(body);
      expect({ status: res.status, param: res.body.error?.param }).toEqual({ status: 400, param });
    }
    expect(await t.prisma.sipGateway.count({ where: { accountId } })).toBe(before);
  });

  describe('hosts the switch must not dial (issue 19)', () => {
    const operator = (): TestClient => t.http().set('Authorization', `Bearer ${TEST_ADMIN_TOKEN}`);
    /** Loopback, link-local, private and localhost names: refused unless the operator allows private hosts. */
    const INTERNAL = [
      '127.0.0.1',
      '::1',
      '169.254.169.254',
      'fe80::1',
      'localhost',
      'LocalHost',
      'pbx.localhost',
      'sbc.local',
      '10.0.0.1',
      '172.16.5.4',
      '192.168.1.1',
      '100.64.0.1',
      'fd00::1',
      '::ffff:127.0.0.1',
      '::ffff:169.254.169.254',
      '::ffff:10.1.2.3',
    ];
    /** Never a gateway, whatever the operator allows. */
    const UNROUTABLE = ['0.0.0.0', '::', '255.255.255.255', '224.0.0.1', 'ff02::1', '192.0.2.10', '198.51.100.7', '203.0.113.9', '2001:db8::1', '240.0.0.1', 'fe80::1%eth0', 'fe80::1%25eth0', '::ffff:0.0.0.0'];

    const hostOf = async (id: string) => (await t.prisma.sipGateway.findUniqueOrThrow({ where: { id }, select: { host: true } })).host;

    async function expectRefused(client: TestClient, host: string, existingId: string) {
      const before = await t.prisma.sipGateway.count({ where: { accountId } });
      const created = await client.post('/v1/sip-gateways').send(gatewayBody({ host }));
      const patched = await client.patch(`/v1/sip-gateways/${existingId}`).send({ host });
      for (const res of [created, patched]) {
        expect({ host, status: res.status, code: res.body.error?.code, param: res.body.error?.param }).toEqual({ host, status: 400, code: 'host_not_allowed', param: 'host' });
        expect(res.body.error.message).not.toContain(host);
      }
      expect(await t.prisma.sipGateway.count({ where: { accountId } })).toBe(before);
      expect(await hostOf(existingId)).toBe('sbc1.example.com');
    }

    it('refuses loopback, link-local, private, unspecified, multicast, documentation hosts, localhost and zone ids on create and PATCH', async () => {
      const existing = (await dashboard.post('/v1/sip-gateways').send(gatewayBody()).expect(201)).body.id;
      for (const host of [...INTERNAL, ...UNROUTABLE]) await expectRefused(dashboard, host, existing);
      // Public addresses and names are fine, in either form.
      for (const host of ['8.8.8.8', '2606:4700::1111', '::ffff:93.184.216.34', 'sip.carrier.example.net']) {
        await dashboard.patch(`/v1/sip-gateways/${existing}`).send({ host }).expect(200);
      }
    });

    it('takes private hosts for an account the operator allowed, and only for it, until the operator withdraws it', async () => {
      const owner = await seedUser(t);
      const client = await sessionClient(t, owner);
      const allowed = await operator().patch(`/v1/admin/accounts/${owner.accountId}`).send({ sip_private_hosts_allowed: true }).expect(200);
      expect(allowed.body.sip_private_hosts_allowed).toBe(true);
      expect((await operator().get(`/v1/admin/accounts/${owner.accountId}`).expect(200)).body.sip_private_hosts_allowed).toBe(true);

      const onPrem = (await client.post('/v1/sip-gateways').send(gatewayBody({ host: '10.20.30.40' })).expect(201)).body;
      expect(onPrem.host).toBe('10.20.30.40');
      for (const host of INTERNAL) {
        expect((await client.patch(`/v1/sip-gateways/${onPrem.id}`).send({ host }).expect(200)).body.host).toBe(host.toLowerCase());
        await client.post('/v1/sip-gateways').send(gatewayBody({ host })).expect(201);
      }
      for (const host of UNROUTABLE) {
        expect((await client.post('/v1/sip-gateways').send(gatewayBody({ host }))).status).toBe(400);
        expect((await client.patch(`/v1/sip-gateways/${onPrem.id}`).send({ host })).status).toBe(400);
      }
      // Another account is not affected by this one's permission.
      expect((await dashboard.post('/v1/sip-gateways').send(gatewayBody({ host: '10.20.30.40' }))).body.error.code).toBe('host_not_allowed');

      await operator().patch(`/v1/admin/accounts/${owner.accountId}`).send({ sip_private_hosts_allowed: false }).expect(200);
      expect((await client.post('/v1/sip-gateways').send(gatewayBody({ host: '192.168.0.10' }))).body.error.code).toBe('host_not_allowed');
      expect((await client.patch(`/v1/sip-gateways/${onPrem.id}`).send({ host: '192.168.0.10' }))).toMatchObject({ status: 400 });
      // Gateways set up while it was allowed stay as they are, and keep their other fields editable.
      await client.patch(`/v1/sip-gateways/${onPrem.id}`).send({ name: 'still here' }).expect(200);
    });

    it('a withdrawal the operator is committing holds back a private-host write until it commits, which then refuses it', async () => {
      const owner = await seedUser(t);
      const client = await sessionClient(t, owner);
      const gateway = (await client.post('/v1/sip-gateways').send(gatewayBody()).expect(201)).body.id;
      for (let round = 0; round < 3; round++) {
        await operator().patch(`/v1/admin/accounts/${owner.accountId}`).send({ sip_private_hosts_allowed: true }).expect(200);
        const write = round === 1 ? client.patch(`/v1/sip-gateways/${gateway}`).send({ host: '10.9.8.7' }) : client.post('/v1/sip-gateways').send(gatewayBody({ host: '10.9.8.7' }));
        let pending: Promise<{ status: number }> | undefined;
        let settled = false;
        await t.prisma.$transaction(async (tx) => {
          // The same row lock the operator's PATCH takes, held open across the customer's request.
          await tx.$executeRaw`UPDATE accounts SET sip_private_hosts_allowed = false WHERE id = ${owner.accountId}`;
          pending = write.then((res) => {
            settled = true;
            return res;
          });
          await new Promise((resolve) => setTimeout(resolve, 400));
          expect(settled).toBe(false);
        });
        expect((await pending!).status).toBe(400);
      }
      expect(await t.prisma.sipGateway.count({ where: { accountId: owner.accountId } })).toBe(1);
      expect(await hostOf(gateway)).toBe('sbc1.example.com');
    });
  });

  it('lists newest first with keyset pagination', async () => {
    const owner = await seedUser(t);
    const client = await sessionClient(t, owner);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await client.post('/v1/sip-gateways').send(gatewayBody({ name: `gw ${i}` })).expect(201)).body.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { data: Array<{ id: string }>; has_more: boolean; next_cursor: string | null } } = await client
        .get('/v1/sip-gateways')
        .query({ limit: 2, ...(cursor ? { cursor } : {}) })
        .expect(200);
      seen.push(...res.body.data.map((g) => g.id));
      cursor = res.body.next_cursor;
      expect(res.body.has_more).toBe(cursor !== null);
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
    await client.get('/v1/sip-gateways?cursor=forged.cursor').expect(400);
  });

  it('PATCH changes only what is sent; a new password moves password_updated_at; the transport moves a default port', async () => {
    const created = (await dashboard.post('/v1/sip-gateways').send(gatewayBody({ transport: 'udp' })).expect(201)).body;
    const before = await stored(created.id);
    const renamed = (await dashboard.patch(`/v1/sip-gateways/${created.id}`).send({ name: 'Renamed' }).expect(200)).body;
    expect(renamed).toMatchObject({ name: 'Renamed', host: created.host, port: 5060, password_updated_at: created.password_updated_at });
    expect((await stored(created.id)).password_enc).toBe(before.password_enc);

    const moved = (await dashboard.patch(`/v1/sip-gateways/${created.id}`).send({ transport: 'tls' }).expect(200)).body;
    expect(moved).toMatchObject({ transport: 'tls', port: 5061 });
    await dashboard.patch(`/v1/sip-gateways/${created.id}`).send({ port: 6000 }).expect(200);
    expect((await dashboard.patch(`/v1/sip-gateways/${created.id}`).send({ transport: 'tcp' }).expect(200)).body.port).toBe(6000);

    const newPassword = 'another-Secret-0815-plugh';
    const rotated = (await dashboard.patch(`/v1/sip-gateways/${created.id}`).send({ password: newPassword }).expect(200)).body;
    expect(Date.parse(rotated.password_updated_at)).toBeGreaterThan(Date.parse(created.password_updated_at));
    const after = await stored(created.id);
    expect(after.password_enc).not.toBe(before.password_enc);
    expect(after.password_enc).not.toContain(newPassword);

    const unknown = await dashboard.patch(`/v1/sip-gateways/${created.id}`).send({ name: 'x', secret: 'y' }).expect(400);
    expect(unknown.body.error).toMatchObject({ code: 'unknown_parameter', param: 'secret' });
    await dashboard.patch(`/v1/sip-gateways/${created.id}`).send({ password: 'too-short' }).expect(400);
  });

  it('deletes a gateway (204), after which it is gone', async () => {
    const { body } = await dashboard.post('/v1/sip-gateways').send(gatewayBody()).expect(201);
    await dashboard.delete(`/v1/sip-gateways/${body.id}`).expect(204);
    await dashboard.get(`/v1/sip-gateways/${body.id}`).expect(404);
    await dashboard.delete(`/v1/sip-gateways/${body.id}`).expect(404);
    expect(await t.prisma.sipGateway.count({ where: { id: body.id } })).toBe(0);
  });

  it('answers 404 for another account’s gateway on every route, and changes nothing', async () => {
    const { body } = await dashboard.post('/v1/sip-gateways').send(gatewayBody()).expect(201);
    const stranger = await sessionClient(t, await seedUser(t));
    const strangerKey = bearerClient(t, await seedApiKey(t, (await seedUser(t)).accountId));
    for (const client of [stranger, strangerKey]) {
      const get = await client.get(`/v1/sip-gateways/${body.id}`);
      expect(get.status).toBe(404);
      expect(get.body.error.code).toBe('resource_missing');
      expect((await client.patch(`/v1/sip-gateways/${body.id}`).send({ name: 'pwned' })).status).toBe(404);
      expect((await client.delete(`/v1/sip-gateways/${body.id}`)).status).toBe(404);
      expect((await client.get('/v1/sip-gateways').expect(200)).body.data).toEqual([]);
    }
    expect((await dashboard.get(`/v1/sip-gateways/${body.id}`).expect(200)).body.name).toBe('Frankfurt SBC');
  });

  it('takes bearer keys with the scopes on every route, and refuses keys without them', async () => {
    const write = bearerClient(t, await seedApiKey(t, accountId, ['sip_gateways:read', 'sip_gateways:write']));
    const created = (await write.post('/v1/sip-gateways').send(gatewayBody()).expect(201)).body;
    await write.get('/v1/sip-gateways').expect(200);
    await write.get(`/v1/sip-gateways/${created.id}`).expect(200);
    await write.patch(`/v1/sip-gateways/${created.id}`).send({ name: 'by key' }).expect(200);

    const readOnly = bearerClient(t, await seedApiKey(t, accountId, ['sip_gateways:read']));
    await readOnly.get(`/v1/sip-gateways/${created.id}`).expect(200);
    for (const res of [
      await readOnly.post('/v1/sip-gateways').send(gatewayBody()),
      await readOnly.patch(`/v1/sip-gateways/${created.id}`).send({ name: 'x' }),
      await readOnly.delete(`/v1/sip-gateways/${created.id}`),
    ]) {
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('insufficient_permissions');
    }
    const other = bearerClient(t, await seedApiKey(t, accountId, ['numbers:read']));
    expect((await other.get('/v1/sip-gateways')).status).toBe(403);
    await write.delete(`/v1/sip-gateways/${created.id}`).expect(204);
  });

  it('lets members use gateways (their default permissions)', async () => {
    const member = await seedUser(t, { accountId, role: 'member' });
    const client = await sessionClient(t, member);
    const created = await client.post('/v1/sip-gateways').send(gatewayBody()).expect(201);
    await client.get(`/v1/sip-gateways/${created.body.id}`).expect(200);
  });

  it('replays an idempotent create without a second gateway, and keeps the password out of the record', async () => {
    const key = bearerClient(t, await seedApiKey(t, accountId, ['sip_gateways:write']));
    const marker = `idem-${randomBytes(8).toString('hex')}`;
    const body = gatewayBody({ password: marker, name: 'idempotent' });
    const idempotencyKey = `sip-create-${randomBytes(6).toString('hex')}`;
    const first = await key.post('/v1/sip-gateways').set('Idempotency-Key', idempotencyKey).send(body).expect(201);
    const again = await key.post('/v1/sip-gateways').set('Idempotency-Key', idempotencyKey).send(body).expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    expect(await t.prisma.sipGateway.count({ where: { accountId, name: 'idempotent' } })).toBe(1);
    const records = JSON.stringify(
      await t.prisma.$queryRawUnsafe('SELECT * FROM idempotency_records WHERE key = $1', idempotencyKey),
      // The stored response is bytea (encrypted): read it as text too, in case it were not.
      (_, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : typeof v === 'bigint' ? String(v) : v),
    );
    expect(again.text).toBe(first.text);
    expect(records).toContain(idempotencyKey);
    expect(records).not.toContain(marker);
    expect(records).not.toContain(first.body.username);
  });

  it('never writes a password to the logs', async () => {
    const marker = `log-${randomBytes(8).toString('hex')}`;
    const { body } = await dashboard.post('/v1/sip-gateways').send(gatewayBody({ password: marker })).expect(201);
    await dashboard.patch(`/v1/sip-gateways/${body.id}`).send({ password: `${marker}-2` }).expect(200);
    await dashboard.post('/v1/sip-gateways').send(gatewayBody({ password: marker, port: 'bad' })).expect(400);
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.join('\n')).not.toContain(marker);
  });

  it('re-encrypts stored passwords when keys rotate (keys:rotate covers the column)', async () => {
    const { body } = await dashboard.post('/v1/sip-gateways').send(gatewayBody({ name: 'rotate me' })).expect(201);
    const newKey = { kid: `rot${randomBytes(3).toString('hex')}`, key: randomBytes(32) };
    const encryption = new EncryptionService({ encryptionKeys: [newKey, ...t.config.encryptionKeys] });
    const rotation = new KeyRotationService(encryption, t.app.get(KeyRotationRepository));
    const [result] = await rotation.rotate({ fields: [ENCRYPTED_FIELDS.sipGatewayPassword] });
    expect(result.failed).toBe(0);
    expect(result.rotated).toBeGreaterThan(0);
    const row = await stored(body.id);
    expect(row.password_enc.startsWith(`v1.${newKey.kid}.`)).toBe(true);
    expect(encryption.decryptString(row.password_enc, encryptionContext(ENCRYPTED_FIELDS.sipGatewayPassword, body.id))).toBe(PASSWORD);
  });
});
