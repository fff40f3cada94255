import { createHash } from 'node:crypto';
import { newId } from '../../src/platform/ids/ids';
import { IdempotencyService } from '../../src/pipeline/idempotency/idempotency.service';
import { seedUser, sessionClient } from '../support/seed';
import { startTestApp, type TestApp } from '../support/test-app';

let keyCounter = 0;
const newKey = () => `idem-scope-${Date.now()}-${keyCounter++}`;

describe('Idempotency-Key: scoped to who asked, keyed fingerprints', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it("does not hand a member the owner's response for the owner's key and body, nor skip the role check", async () => {
    const owner = await seedUser(t, { apiKeysEnabled: true });
    const member = await seedUser(t, { accountId: owner.accountId, role: 'member' });
    const key = newKey();
    const body = { name: 'ci deploy' };
    const created = await (await sessionClient(t, owner)).post('/v1/api-keys').set('Idempotency-Key', key).send(body).expect(201);

    const replayed = await (await sessionClient(t, member)).post('/v1/api-keys').set('Idempotency-Key', key).send(body);
    expect(replayed.status).toBe(403);
    expect(replayed.headers['idempotent-replayed']).toBeUndefined();
    expect(JSON.stringify(replayed.body)).not.toContain(created.body.id);
    expect(await t.prisma.apiKey.count({ where: { accountId: owner.accountId } })).toBe(1);
  });

  it("runs an admin's request with the owner's key as the admin's own", async () => {
    const owner = await seedUser(t, { apiKeysEnabled: true });
    const admin = await seedUser(t, { accountId: owner.accountId, role: 'admin' });
    const key = newKey();
    const body = { name: 'shared name' };
    const first = await (await sessionClient(t, owner)).post('/v1/api-keys').set('Idempotency-Key', key).send(body).expect(201);
    const second = await (await sessionClient(t, admin)).post('/v1/api-keys').set('Idempotency-Key', key).send(body).expect(201);
    expect(second.headers['idempotent-replayed']).toBeUndefined();
    expect(second.body.id).not.toBe(first.body.id);
    expect(second.body.key).toMatch(/^didhub_live_/);
  });

  it('stores no unkeyed hash of a body that carries a password', async () => {
    const user = await seedUser(t);
    const key = newKey();
    const body = { password: user.password };
    const path = '/v1/auth/reauthenticate';
    await (await sessionClient(t, user)).post(path).set('Idempotency-Key', key).send(body).expect(200);
    const record = await t.prisma.idempotencyRecord.findFirstOrThrow({ where: { key } });
    const json = JSON.stringify(body);
    const unkeyed = [
      createHash('sha256').update('POST\n').update(`${path}\n`).update(`json:${json}`).digest('hex'),
      createHash('sha256').update(json).digest('hex'),
      createHash('sha256').update(user.password).digest('hex'),
    ];
    expect(unkeyed).not.toContain(record.requestHash);
    expect(record.requestHash).toMatch(/^[0-9a-f]{64}$/);
    expect(record.principalId).toBe(`user:${user.userId}`);
  });
});

describe('Idempotency-Key: a slow request keeps its key and never runs twice', () => {
  let t: TestApp;

  beforeAll(async () => {
    // Hashing the new password at bcrypt cost 15 takes seconds on these cores; the lease is 1 s,
    // so only renewing it keeps a retry out. (Mail no longer makes a request slow: it leaves
    // through the outbox.)
    t = await startTestApp({ env: { BCRYPT_COST: '15', IDEMPOTENCY_LOCK_SECONDS: '1' } });
  });

  afterAll(async () => {
    await t.close();
  });

  it('refuses a retry while the first request is still running past its lease, then replays its answer', async () => {
    const owner = await seedUser(t);
    const client = await sessionClient(t, owner);
    const key = newKey();
    const body = { current_password: owner.password, new_password: 'a much longer passphrase 77' };
    const first = client.post('/v1/auth/password/change').set('Idempotency-Key', key).send(body).then((r) => r);

    // Wait (real time: the handler really is this slow) until the record exists and its first lease has run out.
    let record = null;
    while (!(record = await t.prisma.idempotencyRecord.findFirst({ where: { key } }))) await new Promise((r) => setTimeout(r, 20));
    const firstLeaseEnd = record.lockedUntil.getTime();
    while (Date.now() < firstLeaseEnd + 500) await new Promise((r) => setTimeout(r, 50));
    const retry = await client.post('/v1/auth/password/change').set('Idempotency-Key', key).send(body);
    expect(retry.status).toBe(409);
    expect(retry.body.error.code).toBe('idempotency_request_in_progress');

    const done = await first;
    expect(done.status).toBe(204);
    const changedAt = (await t.prisma.user.findUniqueOrThrow({ where: { id: owner.userId } })).passwordChangedAt;
    expect(changedAt).not.toBeNull();
    // Run a second time, the change would now fail: the old password is no longer current.
    const replay = await client.post('/v1/auth/password/change').set('Idempotency-Key', key).send(body).expect(204);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect((await t.prisma.user.findUniqueOrThrow({ where: { id: owner.userId } })).passwordChangedAt).toEqual(changedAt);
  });

  it('lets a retry take over only a lease nobody renews, and fences the old holder out', async () => {
    const owner = await seedUser(t, { apiKeysEnabled: true });
    const key = newKey();
    // A record whose holder died: in progress, lease long expired, an old lease token.
    await t.prisma.idempotencyRecord.create({
      data: {
        id: newId('idempotency'),
        accountId: owner.accountId,
        principalId: `user:${owner.userId}`,
        key,
        method: 'POST',
        path: '/v1/api-keys',
        requestHash: 'f'.repeat(64),
        leaseToken: 'dead-holder',
        state: 'in_progress',
        lockedUntil: new Date(Date.now() - 60_000),
        expiresAt: new Date(Date.now() + 3600_000),
      },
    });
    const service = t.app.get(IdempotencyService);
    const scope = { accountId: owner.accountId, principalId: `user:${owner.userId}`, key, method: 'POST', path: '/v1/api-keys', fingerprint: 'f'.repeat(64) };
    const decision = await service.begin(scope);
    expect(decision.kind).toBe('execute');
    // The dead holder wakes up and tries to store its answer: refused by the lease token.
    await service.finish({ recordId: (decision as { lease: { recordId: string } }).lease.recordId, leaseToken: 'dead-holder' }, {
      status: 201,
      body: { stale: true },
      headers: {},
    });
    const row = await t.prisma.idempotencyRecord.findFirstOrThrow({ where: { key } });
    expect(row.state).toBe('in_progress');
    await service.finish((decision as { lease: { recordId: string; leaseToken: string } }).lease, { status: 201, body: { fresh: true }, headers: {} });
    expect((await service.findReplay(scope))?.body).toEqual({ fresh: true });
  });
});
