import { randomBytes } from 'node:crypto';
import { DecryptionError } from '../../src/platform/crypto/decryption-error';
import { ALL_ENCRYPTED_FIELDS, ENCRYPTED_FIELDS, encryptionContext } from '../../src/platform/crypto/encrypted-fields';
import { EncryptionService } from '../../src/platform/crypto/encryption.service';
import { KeyRotationRepository } from '../../src/data-protection/key-rotation/key-rotation.repository';
import { KeyRotationService } from '../../src/data-protection/key-rotation/key-rotation.service';
import { KeyedHash } from '../../src/platform/crypto/keyed-hash';
import { newId } from '../../src/platform/ids/ids';
import { loadConfig } from '../../src/platform/config/config';
import { requestFingerprint } from '../../src/pipeline/idempotency/request-fingerprint';
import { RetentionService } from '../../src/data-protection/retention/retention.service';
import type { DatabaseHandle } from '../../src/platform/database/database';
import { openFromSnapshot } from '../../src/platform/database/pglite-snapshot';
import { INDIVIDUAL_DE, pdfBytes, upload } from '../support/compliance-fixtures';
import { latestToken } from '../support/mailbox';
import { seedUser, sessionClient, type SeededUser } from '../support/seed';
import { startTestApp, testEnv, type TestApp, type TestClient, usingPostgres } from '../support/test-app';

const marker = (tag: string) => `${tag}${randomBytes(5).toString('hex')}`;
const newKey = () => `replay-${randomBytes(8).toString('hex')}`;
const KEY_1 = `test1:${Buffer.alloc(32, 7).toString('base64')}`;
const KEY_2 = `test2:${Buffer.alloc(32, 9).toString('base64')}`;

type Send = (client: TestClient, key: string) => ReturnType<TestClient['post']>;

/** Sends the same request twice under one key: the second must be a replay of the first, byte for byte. */
async function sendTwice(client: TestClient, send: Send, status: number): Promise<{ first: string; replay: string }> {
  const key = newKey();
  const first = await send(client, key);
  expect(first.status).toBe(status);
  expect(first.headers['idempotent-replayed']).toBeUndefined();
  const replay = await send(client, key);
  expect(replay.status).toBe(status);
  expect(replay.headers['idempotent-replayed']).toBe('true');
  expect(replay.headers['content-type']).toBe(first.headers['content-type']);
  expect(replay.text).toBe(first.text);
  return { first: first.text, replay: replay.text };
}

/** Every column of the account's idempotency records as text (bytea both as UTF-8 and Latin-1). */
async function storedRecords(t: TestApp, accountIds: string[]): Promise<{ rows: Record<string, unknown>[]; text: string }> {
  const rows = await t.prisma.$queryRawUnsafe<Record<string, unknown>[]>('SELECT * FROM idempotency_records WHERE account_id = ANY($1::text[])', accountIds);
  const text = JSON.stringify(rows, (_, v: unknown) =>
    v instanceof Uint8Array ? `${Buffer.from(v).toString('utf8')}|${Buffer.from(v).toString('latin1')}` : typeof v === 'bigint' ? String(v) : v,
  );
  return { rows, text };
}

describe('an idempotent replay is the original response, and the record holds it encrypted', () => {
  let t: TestApp;
  let shared: DatabaseHandle | undefined;
  beforeAll(async () => {
    // One embedded database for the apps of this suite (a second one runs with rotated keys).
    shared = usingPostgres() ? undefined : await openFromSnapshot(process.env.DIDHUB_TEST_SNAPSHOT!);
    t = await startTestApp({ database: shared, env: { ENCRYPTION_KEYS: KEY_1 } });
  });
  const others: TestApp[] = [];
  afterAll(async () => {
    for (const other of others) await other.close();
    await t.close();
  });

  async function owner(email = `${marker('owner')}@example.test`, name = marker('Ownername')): Promise<SeededUser> {
    const user = await seedUser(t, { email, apiKeysEnabled: true });
    await t.prisma.user.update({ where: { id: user.userId }, data: { name } });
    return user;
  }

  it('replays every route that answers personal data byte for byte; no column of the records holds any of it', async () => {
    const ownerEmail = `${marker('owneremail')}@example.test`;
    const ownerName = marker('Ownername');
    const boss = await owner(ownerEmail, ownerName);
    const client = await sessionClient(t, boss);
    const personal: string[] = [ownerEmail, ownerName];

    // Account name.
    const accountName = marker('Accountname');
    personal.push(accountName);
    await sendTwice(client, (c, key) => c.patch('/v1/account').set('Idempotency-Key', key).send({ name: accountName }), 200);

    // Invitation: the answer carries the invitee's e-mail address.
    const inviteeEmail = `${marker('invitee')}@example.test`;
    personal.push(inviteeEmail);
    const invitation = await sendTwice(client, (c, key) => c.post('/v1/account/members').set('Idempotency-Key', key).send({ email: inviteeEmail, role: 'member', permissions: [] }), 201);
    expect(invitation.first).toContain(inviteeEmail);

    // Accepting it: the member's name and address, answered to the invitee's own session.
    const inviteeName = marker('Inviteename');
    personal.push(inviteeName);
    const invitee = await seedUser(t, { email: inviteeEmail });
    await t.prisma.user.update({ where: { id: invitee.userId }, data: { name: inviteeName } });
    const inviteeClient = await sessionClient(t, invitee);
    const token = latestToken(t, inviteeEmail, 'invited');
    const accepted = await sendTwice(inviteeClient, (c, key) => c.post('/v1/auth/invitations/accept').set('Idempotency-Key', key).send({ token }), 200);
    expect(accepted.first).toContain(inviteeName);
    const memberId = (JSON.parse(accepted.first) as { id: string }).id;

    // Changing that member's role answers the member with name and e-mail.
    const patched = await sendTwice(client, (c, key) => c.patch(`/v1/account/members/${memberId}`).set('Idempotency-Key', key).send({ role: 'admin' }), 200);
    expect(patched.first).toContain(inviteeEmail);

    // Revoking a session answers its IP and user agent.
    const userAgent = marker('Agent/');
    const ip = `198.51.100.${1 + randomBytes(1)[0] % 200}`;
    personal.push(userAgent);
    const other = await t.prisma.session.create({
      data: {
        id: newId('session'),
        userId: boss.userId,
        accountId: boss.accountId,
        secretHash: randomBytes(32).toString('hex'),
        authLevel: 'password',
        ip,
        userAgent,
        idleExpiresAt: new Date(Date.now() + 3600_000),
        absoluteExpiresAt: new Date(Date.now() + 3600_000),
      },
    });
    const revoked = await sendTwice(client, (c, key) => c.post(`/v1/auth/sessions/${other.id}/revoke`).set('Idempotency-Key', key), 200);
    expect(revoked.first).toContain(userAgent);

    // SIP gateways: username and host.
    const username = marker('trunkuser');
    const host = `${marker('sbc')}.example.net`;
    const password = marker('sip-password-');
    personal.push(username, host, password);
    const gateway = await sendTwice(
      client,
      (c, key) => c.post('/v1/sip-gateways').set('Idempotency-Key', key).send({ name: 'Replay SBC', host, transport: 'tls', username, password }),
      201,
    );
    expect(gateway.first).toContain(username);
    const gatewayId = (JSON.parse(gateway.first) as { id: string }).id;
    const username2 = marker('trunkuser');
    personal.push(username2);
    await sendTwice(client, (c, key) => c.patch(`/v1/sip-gateways/${gatewayId}`).set('Idempotency-Key', key).send({ username: username2 }), 200);

    // End-users: names, date of birth, address, last four of the document number.
    const lastName = marker('Lastname');
    const street = marker('Street');
    const documentNumber = `X${randomBytes(4).toString('hex').toUpperCase()}`;
    personal.push(lastName, street, documentNumber, '1971-03-09');
    const endUserBody = { ...INDIVIDUAL_DE, last_name: lastName, date_of_birth: '1971-03-09', document_number: documentNumber, address: { ...INDIVIDUAL_DE.address, street } };
    const created = await sendTwice(client, (c, key) => c.post('/v1/compliance/end-users').set('Idempotency-Key', key).send(endUserBody), 201);
    expect(created.first).toContain(lastName);
    expect(created.first).toContain(documentNumber.slice(-4));
    const endUserId = (JSON.parse(created.first) as { id: string }).id;
    const firstName = marker('Firstname');
    personal.push(firstName);
    const renamed = await sendTwice(client, (c, key) => c.patch(`/v1/compliance/end-users/${endUserId}`).set('Idempotency-Key', key).send({ first_name: firstName }), 200);
    expect(renamed.first).toContain(firstName);

    // A refusal that names the input is replayed whole too.
    await sendTwice(client, (c, key) => c.post('/v1/account/members').set('Idempotency-Key', key).send({ email: 'not-an-address', role: 'member' }), 400);

    const { rows, text } = await storedRecords(t, [boss.accountId, invitee.accountId]);
    expect(rows).toHaveLength(10);
    for (const row of rows) {
      expect(row.state).toBe('completed');
      expect(row.response_enc).toBeInstanceOf(Uint8Array);
      expect(row.response_body).toBeNull();
      expect(row.response_headers).toBeNull();
    }
    for (const value of personal) expect(text).not.toContain(value);
  });

  it('a body-less POST labelled multipart/form-data stays idempotent (the route decides, not the header)', async () => {
    const boss = await owner();
    const client = await sessionClient(t, boss);
    const endUser = await client.post('/v1/compliance/end-users').send(INDIVIDUAL_DE).expect(201);
    const doc = await upload(client, pdfBytes(), { type: 'passport', end_user_id: endUser.body.id }).expect(201);
    const bundle = await client
      .post('/v1/compliance/bundles')
      .send({ end_user_id: endUser.body.id, document_ids: [doc.body.id], country: 'DE', number_type: 'local' })
      .expect(201);
    for (const contentType of ['multipart/form-data; boundary=x', 'MULTIPART/FORM-DATA', 'multipart/form-data']) {
      const key = newKey();
      const evaluate = () => client.post(`/v1/compliance/bundles/${bundle.body.id}/evaluate`).set('Content-Type', contentType).set('Idempotency-Key', key);
      const first = await evaluate().expect(200);
      const replay = await evaluate().expect(200);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.text).toBe(first.text);
      const row = await t.prisma.idempotencyRecord.findFirstOrThrow({ where: { accountId: boss.accountId, key } });
      expect(row.state).toBe('completed');
      // Another request under the key is refused, as for any idempotent route.
      const submit = await client.post(`/v1/compliance/bundles/${bundle.body.id}/submit`).set('Content-Type', contentType).set('Idempotency-Key', key);
      expect(submit.status).toBe(422);
      expect(submit.body.error.code).toBe('idempotency_key_reused');
    }
    // The upload route still fingerprints its streamed body: same bytes replay, other bytes are refused.
    const key = newKey();
    const file = pdfBytes(1500);
    const first = await upload(client, file, { type: 'passport' }, { idempotencyKey: key }).expect(201);
    const again = await upload(client, file, { type: 'passport' }, { idempotencyKey: key }).expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.text).toBe(first.text);
    await upload(client, pdfBytes(1501), { type: 'passport' }, { idempotencyKey: key }).expect(422);
  });

  it('keys:rotate re-encrypts stored responses; the replay under the new key alone is still the original', async () => {
    const email = `${marker('rotate')}@example.test`;
    const boss = await owner();
    const client = await sessionClient(t, boss);
    const key = newKey();
    const first = await client.post('/v1/account/members').set('Idempotency-Key', key).send({ email, role: 'member' }).expect(201);
    const before = await t.prisma.idempotencyRecord.findFirstOrThrow({ where: { accountId: boss.accountId, key } });
    expect(Buffer.from(before.responseEnc!).subarray(5, 10).toString('latin1')).toBe('test1');

    // keys:rotate walks ALL_ENCRYPTED_FIELDS; this column's pass, under the new first key.
    expect(ALL_ENCRYPTED_FIELDS).toContain(ENCRYPTED_FIELDS.idempotencyResponse);
    const encryption = new EncryptionService({ encryptionKeys: loadConfig(testEnv('', { ENCRYPTION_KEYS: `${KEY_2},${KEY_1}` })).encryptionKeys });
    const [result] = await new KeyRotationService(encryption, t.app.get(KeyRotationRepository)).rotate({ fields: [ENCRYPTED_FIELDS.idempotencyResponse] });
    expect(result).toMatchObject({ field: 'idempotency_records.response_enc', failed: 0 });
    expect(result.rotated).toBeGreaterThanOrEqual(1);
    const after = await t.prisma.idempotencyRecord.findFirstOrThrow({ where: { accountId: boss.accountId, key } });
    expect(Buffer.from(after.responseEnc!).subarray(5, 10).toString('latin1')).toBe('test2');

    // An instance that knows only the new key replays the original. Closed with the suite: it
    // shares the embedded database, which closing it would close.
    const newOnly = await startTestApp({ database: shared, env: { ENCRYPTION_KEYS: KEY_2 } });
    others.push(newOnly);
    const replay = await (await sessionClient(newOnly, boss)).post('/v1/account/members').set('Idempotency-Key', key).send({ email, role: 'member' }).expect(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.text).toBe(first.text);
  });

  it('each stored response is bound to its record: moved to another record it does not open', async () => {
    const boss = await owner();
    const client = await sessionClient(t, boss);
    const name = marker('Bound');
    const key = newKey();
    await client.patch('/v1/account').set('Idempotency-Key', key).send({ name }).expect(200);
    const row = await t.prisma.idempotencyRecord.findFirstOrThrow({ where: { accountId: boss.accountId, key } });
    const encryption = t.app.get(EncryptionService);
    const opened = encryption.decryptBytes(row.responseEnc!, encryptionContext(ENCRYPTED_FIELDS.idempotencyResponse, row.id)).toString('utf8');
    expect(opened).toContain(name);
    expect(() => encryption.decryptBytes(row.responseEnc!, encryptionContext(ENCRYPTED_FIELDS.idempotencyResponse, newId('idempotency')))).toThrow(DecryptionError);
  });

  it('records from before the upgrade (plaintext columns) still replay', async () => {
    const boss = await owner();
    const client = await sessionClient(t, boss);
    const key = newKey();
    const path = '/v1/account';
    const body = { name: 'Legacy Ltd' };
    const legacyBody = JSON.stringify({ id: boss.accountId, object: 'account', name: 'Legacy Ltd (stored)' });
    await t.prisma.idempotencyRecord.create({
      data: {
        id: newId('idempotency'),
        accountId: boss.accountId,
        principalId: `user:${boss.userId}`,
        key,
        leaseToken: randomBytes(16).toString('base64url'),
        method: 'PATCH',
        path,
        requestHash: requestFingerprint({ method: 'PATCH', path, body }, t.app.get(KeyedHash)),
        state: 'completed',
        responseStatus: 200,
        responseBody: Buffer.from(legacyBody),
        responseHeaders: {},
        lockedUntil: new Date(),
        expiresAt: new Date(Date.now() + 3600_000),
      },
    });
    const replay = await client.patch(path).set('Idempotency-Key', key).send(body).expect(200);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.text).toBe(legacyBody);
    expect((await t.prisma.account.findUniqueOrThrow({ where: { id: boss.accountId } })).name).not.toBe('Legacy Ltd');
  });

  it('the retention job deletes encrypted records once past their 24 h (and grace)', async () => {
    const boss = await owner();
    const client = await sessionClient(t, boss);
    const key = newKey();
    await client.patch('/v1/account').set('Idempotency-Key', key).send({ name: marker('Expiring') }).expect(200);
    await t.prisma.idempotencyRecord.updateMany({ where: { accountId: boss.accountId, key }, data: { expiresAt: new Date(Date.now() - 2 * 3600_000) } });
    expect(await t.app.get(RetentionService).run('cli', { dryRun: false })).not.toBeNull();
    expect(await t.prisma.idempotencyRecord.count({ where: { accountId: boss.accountId } })).toBe(0);
  });
});
