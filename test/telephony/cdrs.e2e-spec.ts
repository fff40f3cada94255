import type { IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import { cdrCsvHeader, toCdrCsvLine } from '../../src/telephony/cdrs/cdr-csv';
import type { CdrResponse } from '../../src/telephony/cdrs/cdr-response';
import { readCsvRows } from '../../src/telephony/cdrs/csv-reader';
import { newId } from '../../src/platform/ids/ids';
import { cdrRecord, type CdrInput, ingestOk } from '../support/cdr-fixtures';
import { bearerClient, seedApiKey, seedUser, type SeededUser, sessionClient } from '../support/seed';
import { startTestApp, TEST_ADMIN_TOKEN, type TestApp, type TestClient } from '../support/test-app';

interface CdrJson {
  object: string;
  id: string;
  external_id: string;
  started_at: string;
  [field: string]: unknown;
}

const ALICE = '+14155550101';
const BOB = '+14155550102';
const CAROL = '+442071838751';

async function parseCsv(text: string): Promise<string[][]> {
  const rows: string[][] = [];
  for await (const row of readCsvRows(Readable.from([text]))) rows.push(row.cells);
  return rows;
}

/** Follows next_cursor to the end; returns every item in the order served. */
async function listAll(client: TestClient, query: string, limit: number): Promise<CdrJson[]> {
  const items: CdrJson[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 1000; page++) {
    const url: string = `/v1/cdrs?limit=${limit}${query ? `&${query}` : ''}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res = await client.get(url);
    expect(res.status).toBe(200);
    expect(res.body.data.length).toBeLessThanOrEqual(limit);
    items.push(...res.body.data);
    if (!res.body.has_more) {
      expect(res.body.next_cursor).toBeNull();
      return items;
    }
    cursor = res.body.next_cursor;
  }
  throw new Error('pagination did not end');
}

describe('reading CDRs (GET /v1/cdrs, /v1/cdrs/{id}, /v1/cdrs/export)', () => {
  let t: TestApp;
  let owner: SeededUser;
  let ownerClient: TestClient;
  let other: SeededUser;
  let otherClient: TestClient;
  const fixtures: Record<string, CdrInput> = {};

  beforeAll(async () => {
    t = await startTestApp();
    owner = await seedUser(t, { apiKeysEnabled: true });
    other = await seedUser(t);
    ownerClient = await sessionClient(t, owner);
    otherClient = await sessionClient(t, other);
    const at = (iso: string, extra: CdrInput = {}) => ({
      started_at: iso,
      answered_at: undefined,
      ended_at: new Date(Date.parse(iso) + 30_000).toISOString(),
      status: 'no_answer',
      billable_seconds: 0,
      ...extra,
    });
    Object.assign(fixtures, {
      a: cdrRecord(owner.accountId, { ...at('2025-01-01T00:00:00Z'), from: ALICE, to: BOB, direction: 'outbound' }),
      b: cdrRecord(owner.accountId, { ...at('2025-01-02T00:00:00Z'), from: BOB, to: ALICE, status: 'busy' }),
      c: cdrRecord(owner.accountId, {
        started_at: '2025-01-03T00:00:00Z',
        answered_at: '2025-01-03T00:00:10Z',
        ended_at: '2025-01-03T00:05:00Z',
        from: CAROL,
        to: BOB,
        cost: '-1.500000',
        external_id: '=HYPERLINK("http://evil.example"),"x"',
      }),
      d: cdrRecord(owner.accountId, { ...at('2025-01-04T00:00:00Z'), from: CAROL, to: ALICE, direction: 'outbound', status: 'failed' }),
      e: cdrRecord(owner.accountId, { ...at('2025-01-05T00:00:00.500Z'), from: ALICE, to: ALICE, external_id: '@SUM(A1:A9)' }),
      foreign: cdrRecord(other.accountId, { ...at('2025-01-03T12:00:00Z'), from: ALICE, to: BOB, external_id: 'foreign-call' }),
    });
    await ingestOk(t, Object.values(fixtures));
  });

  afterAll(async () => {
    await t.close();
  });

  const externalIds = (items: CdrJson[]) => items.map((i) => i.external_id);
  const ext = (...keys: string[]) => keys.map((k) => fixtures[k].external_id);

  it('lists the account’s CDRs newest first in the documented shape', async () => {
    const res = await ownerClient.get('/v1/cdrs');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ object: 'list', has_more: false, next_cursor: null });
    expect(externalIds(res.body.data)).toEqual(ext('e', 'd', 'c', 'b', 'a'));
    const c = res.body.data[2];
    expect(c).toEqual({
      object: 'cdr',
      id: expect.stringMatching(/^cdr_[0-9A-Za-z]{22}$/),
      direction: 'inbound',
      from: CAROL,
      to: BOB,
      started_at: '2025-01-03T00:00:00.000Z',
      answered_at: '2025-01-03T00:00:10.000Z',
      ended_at: '2025-01-03T00:05:00.000Z',
      duration_seconds: 65,
      billable_seconds: 60,
      status: 'answered',
      cost: '-1.500000',
      currency: 'USD',
      number_id: null,
      external_id: fixtures.c.external_id,
    });
  });

  it.each([
    ['started_after (inclusive)', 'started_after=2025-01-03T00:00:00Z', ['e', 'd', 'c']],
    ['started_before (exclusive)', 'started_before=2025-01-03T00:00:00Z', ['b', 'a']],
    ['a window', 'started_after=2025-01-02&started_before=2025-01-05T00:00:00.500Z', ['d', 'c', 'b']],
    ['an offset time zone', 'started_after=2025-01-04T01:00:00%2B01:00', ['e', 'd']],
    ['number as caller or callee', `number=${encodeURIComponent(ALICE)}`, ['e', 'd', 'b', 'a']],
    ['number matching only the callee', `number=${encodeURIComponent(BOB)}`, ['c', 'b', 'a']],
    ['a number with no calls', `number=${encodeURIComponent('+15550000000')}`, []],
    ['direction', 'direction=outbound', ['d', 'a']],
    ['status', 'status=busy', ['b']],
    ['filters combined', `number=${encodeURIComponent(ALICE)}&direction=inbound&started_before=2025-01-05`, ['b']],
  ])('filters by %s', async (_label, query, expected) => {
    const res = await ownerClient.get(`/v1/cdrs?${query}`);
    expect(res.status).toBe(200);
    expect(externalIds(res.body.data)).toEqual(ext(...expected));
  });

  it('pages through filtered results with the number filter', async () => {
    const items = await listAll(ownerClient, `number=${encodeURIComponent(ALICE)}`, 1);
    expect(externalIds(items)).toEqual(ext('e', 'd', 'b', 'a'));
  });

  it.each([
    ['started_after', 'started_after=yesterday'],
    ['started_after', 'started_after=2025-02-30T00:00:00Z'],
    ['started_before', 'started_before=2025-01-01T10:00:00'],
    ['started_before', 'started_after=2025-01-05&started_before=2025-01-01'],
    ['number', 'number=4155550101'],
    ['direction', 'direction=sideways'],
    ['status', 'status=ringing'],
    ['limit', 'limit=0'],
    ['limit', 'limit=101'],
    ['cursor', 'cursor=not-a-cursor'],
    ['unknown', 'unknown=1'],
  ])('refuses a bad %s with 400 naming it', async (param, query) => {
    const res = await ownerClient.get(`/v1/cdrs?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.error.param).toBe(param);
  });

  it('refuses a cursor reused with different filters, a tampered one, and another account’s', async () => {
    const first = await ownerClient.get('/v1/cdrs?limit=2&direction=inbound');
    expect(first.body.has_more).toBe(true);
    const cursor = encodeURIComponent(first.body.next_cursor);
    expect((await ownerClient.get(`/v1/cdrs?limit=2&direction=inbound&cursor=${cursor}`)).status).toBe(200);
    const changed = await ownerClient.get(`/v1/cdrs?limit=2&direction=outbound&cursor=${cursor}`);
    expect(changed.status).toBe(400);
    expect(changed.body.error.param).toBe('cursor');
    expect((await ownerClient.get(`/v1/cdrs?limit=2&cursor=${cursor}`)).status).toBe(400);
    expect((await otherClient.get(`/v1/cdrs?limit=2&direction=inbound&cursor=${cursor}`)).status).toBe(400);
    const [payload, tag] = first.body.next_cursor.split('.');
    const forged = Buffer.from(JSON.stringify(['2030-01-01T00:00:00.000Z', 'cdr_0000000000000000000000'])).toString('base64url');
    expect((await ownerClient.get(`/v1/cdrs?limit=2&direction=inbound&cursor=${forged}.${tag}`)).status).toBe(400);
    expect((await ownerClient.get(`/v1/cdrs?limit=2&direction=inbound&cursor=${payload}.x${tag.slice(1)}`)).status).toBe(400);
  });

  it('pages across calls that started in the same millisecond without gaps or repeats', async () => {
    const tied = await seedUser(t);
    const client = await sessionClient(t, tied);
    const call = (external_id: string, started_at: string) =>
      cdrRecord(tied.accountId, { external_id, started_at, answered_at: '2025-06-01T12:00:01Z', ended_at: '2025-06-01T12:01:06Z' });
    const records = Array.from({ length: 45 }, (_, i) => call(`tie-${i}`, '2025-06-01T12:00:00.123Z'));
    records.push(call('later', '2025-06-01T12:00:00.124Z'), call('earlier', '2025-06-01T12:00:00.122Z'));
    await ingestOk(t, records);

    const items = await listAll(client, '', 10);
    expect(items).toHaveLength(47);
    expect(new Set(items.map((i) => i.id)).size).toBe(47);
    expect(items[0].external_id).toBe('later');
    expect(items[46].external_id).toBe('earlier');
    const expected = await t.prisma.cdr.findMany({
      where: { accountId: tied.accountId },
      orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
      select: { id: true },
    });
    expect(items.map((i) => i.id)).toEqual(expected.map((r) => r.id));
  });

  it('returns one CDR by id, and 404 for another account’s or a malformed id', async () => {
    const list = await ownerClient.get('/v1/cdrs?limit=1');
    const mine = list.body.data[0];
    const res = await ownerClient.get(`/v1/cdrs/${mine.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(mine);

    const foreign = await t.prisma.cdr.findFirstOrThrow({ where: { accountId: other.accountId } });
    const hidden = await ownerClient.get(`/v1/cdrs/${foreign.id}`);
    expect(hidden.status).toBe(404);
    expect(hidden.body.error.code).toBe('resource_missing');
    expect((await otherClient.get(`/v1/cdrs/${foreign.id}`)).status).toBe(200);
    expect((await ownerClient.get('/v1/cdrs/cdr_nope')).status).toBe(404);
    expect((await ownerClient.get('/v1/cdrs/%27%3B--')).status).toBe(404);
  });

  it('never shows another account’s CDRs in a list', async () => {
    const items = await listAll(ownerClient, `number=${encodeURIComponent(ALICE)}`, 100);
    expect(externalIds(items)).not.toContain('foreign-call');
    const theirs = await otherClient.get('/v1/cdrs');
    expect(externalIds(theirs.body.data)).toEqual(['foreign-call']);
  });

  describe('CSV export', () => {
    it('streams a CSV attachment with a header row, escaping and formula protection', async () => {
      const res = await ownerClient.get('/v1/cdrs/export').buffer(true).parse((r, cb) => {
        let text = '';
        r.setEncoding('utf8');
        r.on('data', (c: string) => (text += c));
        r.on('end', () => cb(null, text));
      });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toMatch(/^attachment; filename="cdrs-\d{8}T\d{6}Z\.csv"$/);
      expect(res.headers['cache-control']).toContain('no-store');
      const text = res.body as string;
      const lines = text.split('\r\n');
      expect(lines[0]).toBe(
        'id,direction,from,to,started_at,answered_at,ended_at,duration_seconds,billable_seconds,status,cost,currency,number_id,external_id',
      );
      // The formula is neutralised and the embedded quotes doubled; numbers stay numbers.
      expect(text).toContain(`,${CAROL},${BOB},2025-01-03T00:00:00.000Z,2025-01-03T00:00:10.000Z,`);
      expect(text).toContain(`,answered,-1.500000,USD,,"'=HYPERLINK(""http://evil.example""),""x"""\r\n`);
      expect(text).toContain(",'@SUM(A1:A9)\r\n");

      const rows = await parseCsv(text);
      expect(rows).toHaveLength(6);
      expect(rows.slice(1).map((r) => r[13])).toEqual([
        `'${fixtures.e.external_id}`,
        fixtures.d.external_id,
        `'${fixtures.c.external_id}`,
        fixtures.b.external_id,
        fixtures.a.external_id,
      ]);
      expect(text).not.toContain('foreign-call');
    });

    it('applies the same filters as the list', async () => {
      const res = await ownerClient.get(`/v1/cdrs/export?number=${encodeURIComponent(ALICE)}&direction=outbound`).buffer(true);
      expect(res.status).toBe(200);
      const rows = await parseCsv(res.text);
      expect(rows.slice(1).map((r) => r[13])).toEqual(ext('d', 'a'));
      const bad = await ownerClient.get('/v1/cdrs/export?started_before=soon');
      expect(bad.status).toBe(400);
      expect(bad.body.error.param).toBe('started_before');
      expect((await ownerClient.get('/v1/cdrs/export?cursor=abc')).status).toBe(400);
    });

    it('exports every row once, in order, across several internal batches', async () => {
      const big = await seedUser(t);
      const client = await sessionClient(t, big);
      const base = Date.parse('2025-05-01T00:00:00Z');
      const records = Array.from({ length: 4500 }, (_, i) =>
        cdrRecord(big.accountId, {
          external_id: `bulk-${i}`,
          // Groups of 7 share a start time, so batch boundaries fall inside ties.
          started_at: new Date(base + Math.floor(i / 7) * 1000).toISOString(),
          answered_at: undefined,
          status: 'failed',
          billable_seconds: 0,
          ended_at: new Date(base + 10_000_000).toISOString(),
        }),
      );
      await ingestOk(t, records);
      const res = await client.get('/v1/cdrs/export').buffer(true);
      expect(res.status).toBe(200);
      const rows = (await parseCsv(res.text)).slice(1);
      expect(rows).toHaveLength(4500);
      const expected = await t.prisma.cdr.findMany({
        where: { accountId: big.accountId },
        orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
        select: { id: true },
      });
      expect(rows.map((r) => r[0])).toEqual(expected.map((r) => r.id));
    });

    it('renders each row exactly as the list serves it, cell by cell', async () => {
      const tricky = await seedUser(t);
      const client = await sessionClient(t, tricky);
      const externalIds = ['-1.5', '+42', '-', '+1.', '=', '-1.5x', 'a,b', '"q"', "'x", '+-1', '1e5', '@', 'x"y,z'];
      await ingestOk(
        t,
        externalIds.map((external_id, i) =>
          cdrRecord(tricky.accountId, {
            external_id,
            started_at: new Date(Date.parse('2024-07-01T00:00:00.007Z') + i * 1001).toISOString(),
            number_id: i % 2 ? newId('number') : null,
            cost: i % 3 ? `-${i}.000100` : '0',
          }),
        ),
      );
      const listed = await listAll(client, '', 100);
      expect(listed).toHaveLength(externalIds.length);
      const res = await client.get('/v1/cdrs/export').buffer(true);
      expect(res.status).toBe(200);
      expect(res.text).toBe(cdrCsvHeader() + listed.map((item) => toCdrCsvLine(item as unknown as CdrResponse)).join(''));
    });

    it('renders stored text with backslashes, tabs, line breaks and non-ASCII byte for byte', async () => {
      const odd = await seedUser(t);
      const client = await sessionClient(t, odd);
      // Written past ingest validation on purpose: the export must render whatever is stored.
      const externalIds = ['back\\slash', 'tab\there', 'two\nlines', 'cr\rlf\r\n', '\\N', '"\\"', 'é€😀', '', '\tlead'];
      await t.prisma.cdr.createMany({
        data: externalIds.map((externalId, i) => ({
          id: newId('cdr'),
          accountId: odd.accountId,
          externalId,
          direction: 'inbound',
          fromNumber: ALICE,
          toNumber: i % 2 ? 'x\\y\tz' : BOB,
          startedAt: new Date(Date.parse('2024-08-01T00:00:00.001Z') + i * 1000),
          answeredAt: null,
          endedAt: new Date(Date.parse('2024-08-01T01:00:00Z')),
          durationSeconds: 0,
          billableSeconds: 0,
          status: 'failed',
          cost: '0.000000',
          currency: 'USD',
          numberId: i % 3 ? null : 'num\\\n',
        })),
      });
      const listed = await listAll(client, '', 100);
      expect(listed).toHaveLength(externalIds.length);
      const res = await client.get('/v1/cdrs/export').buffer(true);
      expect(res.status).toBe(200);
      expect(res.text).toBe(cdrCsvHeader() + listed.map((item) => toCdrCsvLine(item as unknown as CdrResponse)).join(''));
    });

    it('stops reading the database when the client disconnects mid-export, and keeps serving exports', async () => {
      const large = await seedUser(t);
      const key = await seedApiKey(t, large.accountId, ['cdrs:read']);
      const rows = 100_000;
      await t.prisma.$executeRaw`
        INSERT INTO cdrs (id, account_id, external_id, direction, from_number, to_number, started_at, ended_at,
          duration_seconds, billable_seconds, status, cost, currency)
        SELECT 'cdr_' || md5(${large.accountId} || n), ${large.accountId}, 'gone-' || n, 'outbound', ${ALICE}, ${BOB},
          timestamptz '2025-03-01T00:00:00Z' + n * interval '1 second', timestamptz '2025-04-01T00:00:00Z', 60, 60,
          'answered', 0.01, 'USD'
        FROM generate_series(1, ${rows}) AS n`;
      const exportRequest = (onChunk: (chunk: Buffer, res: IncomingMessage) => void) =>
        new Promise<{ status: number; bytes: number }>((resolve, reject) => {
          let bytes = 0;
          const req = httpsRequest(`${t.url}/v1/cdrs/export`, { rejectUnauthorized: false, headers: { authorization: `Bearer ${key}` } }, (res) => {
            res.on('data', (chunk: Buffer) => {
              bytes += chunk.length;
              onChunk(chunk, res);
            });
            res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes }));
            res.on('close', () => resolve({ status: res.statusCode ?? 0, bytes }));
            res.on('error', reject);
          });
          req.on('error', reject);
          req.end();
        });

      const cut = await exportRequest((_chunk, res) => res.destroy());
      expect(cut.status).toBe(200);
      const runningCopies = () =>
        t.prisma.$queryRaw<{ n: number }[]>`
          SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE pid <> pg_backend_pid() AND datname = current_database() AND state <> 'idle' AND query LIKE 'COPY (%'`;
      let running = (await runningCopies())[0].n;
      for (let i = 0; i < 50 && running > 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
        running = (await runningCopies())[0].n;
      }
      expect(running).toBe(0);

      const full = await bearerClient(t, key).get('/v1/cdrs/export').buffer(true);
      expect(full.status).toBe(200);
      expect(full.text.split('\r\n')).toHaveLength(rows + 2);
      expect(cut.bytes).toBeLessThan(Buffer.byteLength(full.text));
    });

    it('answers an empty result with just the header row', async () => {
      const res = await ownerClient.get('/v1/cdrs/export?status=busy&direction=outbound').buffer(true);
      expect(res.status).toBe(200);
      expect(res.text.split('\r\n')).toEqual([expect.stringMatching(/^id,direction,/), '']);
    });
  });

  describe('who may read CDRs', () => {
    const endpoints = async () => {
      const id = (await t.prisma.cdr.findFirstOrThrow({ where: { accountId: owner.accountId } })).id;
      return ['/v1/cdrs', `/v1/cdrs/${id}`, '/v1/cdrs/export'];
    };

    const expectAll = async (client: TestClient, status: number) => {
      for (const path of await endpoints()) {
        const res = await client.get(path);
        expect({ path, status: res.status }).toEqual({ path, status });
        if (status === 403) expect(res.body.error).toMatchObject({ type: 'permission_error', code: 'insufficient_permissions' });
      }
    };

    it('lets the owner and admins read', async () => {
      await expectAll(ownerClient, 200);
      const admin = await seedUser(t, { accountId: owner.accountId, role: 'admin' });
      await expectAll(await sessionClient(t, admin), 200);
    });

    it('refuses a member without the cdrs:read grant and lets a granted member read', async () => {
      const plain = await seedUser(t, { accountId: owner.accountId, role: 'member', permissions: ['numbers:read'] });
      await expectAll(await sessionClient(t, plain), 403);
      const granted = await seedUser(t, { accountId: owner.accountId, role: 'member', permissions: ['cdrs:read'] });
      await expectAll(await sessionClient(t, granted), 200);
    });

    it('takes keys with scope * or cdrs:read and refuses other scopes', async () => {
      await expectAll(bearerClient(t, await seedApiKey(t, owner.accountId, ['*'])), 200);
      await expectAll(bearerClient(t, await seedApiKey(t, owner.accountId, ['cdrs:read'])), 200);
      await expectAll(bearerClient(t, await seedApiKey(t, owner.accountId, ['numbers:read', 'compliance:read'])), 403);
    });

    it('refuses anonymous callers and the operator token', async () => {
      await expectAll(t.http(), 401);
      await expectAll(t.http().set('Authorization', `Bearer ${TEST_ADMIN_TOKEN}`), 401);
    });

    it('answers 404 for another account’s CDR even to a key with every scope', async () => {
      const key = await seedApiKey(t, other.accountId, ['*']);
      const mine = await t.prisma.cdr.findFirstOrThrow({ where: { accountId: owner.accountId } });
      expect((await bearerClient(t, key).get(`/v1/cdrs/${mine.id}`)).status).toBe(404);
      const list = await bearerClient(t, key).get('/v1/cdrs?limit=100');
      expect(externalIds(list.body.data)).toEqual(['foreign-call']);
    });
  });
});
