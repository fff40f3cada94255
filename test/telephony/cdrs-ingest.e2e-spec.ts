import { CDR_INGEST_BODY_LIMIT_BYTES } from '../../src/telephony/cdrs/cdr-ingest-body.middleware';
import { newId } from '../../src/platform/ids/ids';
import { cdrRecord, countCdrs, ingestCdrs, ingestOk } from '../support/cdr-fixtures';
import { bearerClient, seedApiKey, seedUser, sessionClient } from '../support/seed';
import { startTestApp, TEST_ADMIN_TOKEN, type TestApp } from '../support/test-app';

describe('CDR ingest from the switching platform (POST /v1/admin/cdrs)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  it('stores a valid batch and reports what it inserted', async () => {
    const { accountId } = await seedUser(t);
    const numberId = newId('number');
    const batch = [
      cdrRecord(accountId, { cost: '12345678.123456', number_id: numberId }),
      cdrRecord(accountId, { status: 'busy', answered_at: undefined, billable_seconds: 0, cost: '-0.000001', direction: 'outbound' }),
      cdrRecord(accountId, { status: 'no_answer', answered_at: null, cost: '0' }),
    ];
    const res = await ingestCdrs(t, batch);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ object: 'cdr_ingest_result', received: 3, inserted: 3, duplicates: 0 });

    const rows = await t.prisma.cdr.findMany({ where: { accountId }, orderBy: { externalId: 'asc' } });
    expect(rows).toHaveLength(3);
    const byExternal = new Map(rows.map((r) => [r.externalId, r]));
    const first = byExternal.get(batch[0].external_id as string)!;
    expect(first.cost.toString()).toBe('12345678.123456');
    expect(first.numberId).toBe(numberId);
    expect(first.fromNumber).toBe('+14155550100');
    expect(first.answeredAt?.toISOString()).toBe('2025-03-01T10:00:05.000Z');
    expect(byExternal.get(batch[1].external_id as string)!.cost.toString()).toBe('-0.000001');
    expect(byExternal.get(batch[1].external_id as string)!.answeredAt).toBeNull();
    expect(rows.every((r) => /^cdr_[0-9A-Za-z]{22}$/.test(r.id))).toBe(true);
  });

  it('does not duplicate a record re-sent with the same external_id, even with different content', async () => {
    const { accountId } = await seedUser(t);
    const other = await seedUser(t);
    const batch = [cdrRecord(accountId), cdrRecord(accountId)];
    expect(await ingestOk(t, batch)).toMatchObject({ received: 2, inserted: 2, duplicates: 0 });

    const resent = [{ ...batch[0], cost: '9.990000' }, batch[1], cdrRecord(accountId)];
    expect(await ingestOk(t, resent)).toMatchObject({ received: 3, inserted: 1, duplicates: 2 });
    expect(await countCdrs(t, accountId)).toBe(3);
    const kept = await t.prisma.cdr.findFirstOrThrow({ where: { accountId, externalId: batch[0].external_id as string } });
    expect(kept.cost.toString()).toBe('0.0125');

    // The same switch call id in another account is another call.
    expect(await ingestOk(t, [{ ...batch[0], account_id: other.accountId }])).toMatchObject({ inserted: 1, duplicates: 0 });
  });

  it('counts a record repeated within one batch once', async () => {
    const { accountId } = await seedUser(t);
    const record = cdrRecord(accountId);
    expect(await ingestOk(t, [record, record, cdrRecord(accountId)])).toMatchObject({ received: 3, inserted: 2, duplicates: 1 });
    expect(await countCdrs(t, accountId)).toBe(2);
  });

  it("takes a closed account's late records, refuses an anonymised account's (its numbers are erased for good)", async () => {
    const closed = await seedUser(t);
    await t.prisma.account.update({ where: { id: closed.accountId }, data: { status: 'closed', closedAt: new Date() } });
    expect(await ingestOk(t, [cdrRecord(closed.accountId)])).toMatchObject({ inserted: 1 });

    const live = await seedUser(t);
    for (const status of ['anonymizing', 'anonymized']) {
      const gone = await seedUser(t);
      await t.prisma.account.update({ where: { id: gone.accountId }, data: { status, closedAt: new Date(Date.now() - 31 * 86400_000) } });
      const res = await ingestCdrs(t, [cdrRecord(live.accountId), cdrRecord(gone.accountId)]);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'parameter_invalid', param: 'cdrs[1].account_id' });
      expect(res.body.error.message).toContain('anonymised account');
      expect(await countCdrs(t, gone.accountId)).toBe(0);
    }
    expect(await countCdrs(t, live.accountId)).toBe(0);
  });

  it('refuses the whole batch when any record is invalid, naming every problem by index and field', async () => {
    const { accountId } = await seedUser(t);
    const batch = [
      cdrRecord(accountId),
      cdrRecord(accountId),
      cdrRecord(accountId),
      cdrRecord(accountId, { to: '0044207183875' }),
      cdrRecord(accountId, { billable_seconds: 70 }),
    ];
    const res = await ingestCdrs(t, batch);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ type: 'invalid_request_error', code: 'parameter_invalid', param: 'cdrs[3].to', error_count: 2 });
    expect(res.body.error.message).toContain('cdrs[3].to');
    expect(res.body.error.errors.map((e: { param: string }) => e.param)).toEqual(['cdrs[3].to', 'cdrs[4].billable_seconds']);
    expect(await countCdrs(t, accountId)).toBe(0);
  });

  it.each([
    ['an unknown account', { account_id: 'acct_0000000000000000000000' }, 'account_id'],
    ['a malformed account id', { account_id: 'nope' }, 'account_id'],
    ['a missing external_id', { external_id: undefined }, 'external_id'],
    ['an external_id over 128 characters', { external_id: 'x'.repeat(129) }, 'external_id'],
    ['an unknown direction', { direction: 'sideways' }, 'direction'],
    ['a from number that is not E.164', { from: '+0123' }, 'from'],
    ['a to number with spaces', { to: '+44 20 7183 8750' }, 'to'],
    ['an impossible date', { started_at: '2025-02-30T10:00:00Z' }, 'started_at'],
    ['a time without a zone', { started_at: '2025-03-01T10:00:00' }, 'started_at'],
    ['a call that ends before it starts', { ended_at: '2025-03-01T09:59:59Z', answered_at: undefined, status: 'failed' }, 'ended_at'],
    ['an answer before the start', { answered_at: '2025-03-01T09:00:00Z' }, 'answered_at'],
    ['an answer after the end', { answered_at: '2025-03-01T11:00:00Z' }, 'answered_at'],
    ['an answered call without answered_at', { answered_at: undefined }, 'answered_at'],
    ['a busy call with answered_at', { status: 'busy' }, 'answered_at'],
    ['an unknown status', { status: 'dropped' }, 'status'],
    ['a negative duration', { duration_seconds: -1 }, 'duration_seconds'],
    ['a fractional duration', { duration_seconds: 1.5 }, 'duration_seconds'],
    ['a duration sent as a string', { duration_seconds: '65' }, 'duration_seconds'],
    ['billable seconds over the duration', { billable_seconds: 66 }, 'billable_seconds'],
    ['a cost sent as a JSON number', { cost: 0.0125 }, 'cost'],
    ['a cost with 7 fraction digits', { cost: '0.0000001' }, 'cost'],
    ['a cost too large for the column', { cost: '123456789' }, 'cost'],
    ['a cost in exponent notation', { cost: '1e3' }, 'cost'],
    ['a lower-case currency', { currency: 'usd' }, 'currency'],
    ['a malformed number_id', { number_id: 'num_short' }, 'number_id'],
    ['an unknown field', { caller_name: 'Alice' }, 'caller_name'],
  ])('refuses %s with param cdrs[1].<field>', async (_label, overrides, field) => {
    const { accountId } = await seedUser(t);
    const res = await ingestCdrs(t, [cdrRecord(accountId), cdrRecord(accountId, overrides)]);
    expect(res.status).toBe(400);
    expect(res.body.error.param).toBe(`cdrs[1].${field}`);
    expect(await countCdrs(t, accountId)).toBe(0);
  });

  it('refuses a record that is not an object', async () => {
    const { accountId } = await seedUser(t);
    const res = await ingestCdrs(t, [cdrRecord(accountId), 'call']);
    expect(res.status).toBe(400);
    expect(res.body.error.param).toBe('cdrs[1]');
  });

  it('lists at most 100 problems but counts them all', async () => {
    const { accountId } = await seedUser(t);
    const batch = Array.from({ length: 150 }, () => cdrRecord(accountId, { currency: 'dollars', direction: 'up' }));
    const res = await ingestCdrs(t, batch);
    expect(res.status).toBe(400);
    expect(res.body.error.errors).toHaveLength(100);
    expect(res.body.error.error_count).toBe(300);
    expect(res.body.error.errors[0]).toEqual({ param: 'cdrs[0].direction', message: expect.stringContaining('cdrs[0].direction') });
  });

  it('refuses an empty batch, a non-array and more than 10,000 records', async () => {
    const empty = await ingestCdrs(t, []);
    expect(empty.status).toBe(400);
    expect(empty.body.error.param).toBe('cdrs');
    const notArray = await ingestCdrs(t, { account_id: 'x' });
    expect(notArray.status).toBe(400);
    expect(notArray.body.error.param).toBe('cdrs');
    const tooMany = await ingestCdrs(t, Array.from({ length: 10_001 }, () => ({})));
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.param).toBe('cdrs');
  });

  it('takes a batch of 10,000 records in one call', async () => {
    const { accountId } = await seedUser(t);
    const base = Date.parse('2025-04-01T00:00:00Z');
    const batch = Array.from({ length: 10_000 }, (_, i) =>
      cdrRecord(accountId, {
        external_id: `bulk-${i}`,
        started_at: new Date(base + i * 1000).toISOString(),
        answered_at: new Date(base + i * 1000 + 2000).toISOString(),
        ended_at: new Date(base + i * 1000 + 62000).toISOString(),
        from: `+1415555${String(i).padStart(4, '0')}`,
      }),
    );
    // Larger than the global JSON body limit: the ingest route has its own.
    expect(JSON.stringify({ cdrs: batch }).length).toBeGreaterThan(t.config.bodyLimitBytes * 2);
    const res = await ingestCdrs(t, batch);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ received: 10_000, inserted: 10_000, duplicates: 0 });
    expect(await countCdrs(t, accountId)).toBe(10_000);
  });

  it('accepts only the operator token', async () => {
    const owner = await seedUser(t, { apiKeysEnabled: true });
    const batch = [cdrRecord(owner.accountId)];
    expect((await t.http().post('/v1/admin/cdrs').send({ cdrs: batch })).status).toBe(401);
    const key = await seedApiKey(t, owner.accountId, ['*']);
    expect((await bearerClient(t, key).post('/v1/admin/cdrs').send({ cdrs: batch })).status).toBe(401);
    const session = await sessionClient(t, owner);
    expect((await session.post('/v1/admin/cdrs').send({ cdrs: batch })).status).toBe(401);
    expect(await countCdrs(t, owner.accountId)).toBe(0);
  });

  it('keeps the normal body limit for requests without the operator token', async () => {
    // A public route shows which limit applied; on the ingest route the 401 comes first.
    const body = JSON.stringify({ cdrs: [{ pad: 'x'.repeat(2 * 1024 * 1024) }] });
    const res = await t.http().post('/v1/auth/login').set('Content-Type', 'application/json').send(body);
    expect(res.status).toBe(413);
    expect(res.body.error.message).toContain(`${t.config.bodyLimitBytes} bytes`);
    const ingest = await t.http().post('/v1/admin/cdrs').set('Content-Type', 'application/json').send(body);
    expect(ingest.status).toBe(401);
  });

  it('names the ingest limit, not the global one, when an operator body is too large', async () => {
    const res = await t
      .http()
      .post('/v1/admin/cdrs')
      .set('Authorization', `Bearer ${TEST_ADMIN_TOKEN}`)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ cdrs: [{ pad: 'x'.repeat(CDR_INGEST_BODY_LIMIT_BYTES) }] }));
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('request_too_large');
    expect(res.body.error.message).toContain(`${CDR_INGEST_BODY_LIMIT_BYTES} bytes`);
  });
});
