import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ImportProgress, importCdrCsv } from '../../src/telephony/cdrs/cdr-csv-import';
import { CdrIngestService } from '../../src/telephony/cdrs/cdr-ingest.service';
import { countCdrs } from '../support/cdr-fixtures';
import { seedUser } from '../support/seed';
import { startTestApp, type TestApp } from '../support/test-app';

const HEADER =
  'account_id,external_id,direction,from,to,started_at,answered_at,ended_at,duration_seconds,billable_seconds,status,cost,currency,number_id';

function row(accountId: string, i: number, overrides: Partial<Record<string, string>> = {}): string {
  const cells: Record<string, string> = {
    account_id: accountId,
    external_id: `imp-${i}`,
    direction: i % 2 ? 'inbound' : 'outbound',
    from: `+1415555${String(i).padStart(4, '0')}`,
    to: '+442071838750',
    started_at: `2025-02-01T10:00:${String(i % 60).padStart(2, '0')}Z`,
    answered_at: '',
    ended_at: '2025-02-01T11:00:00Z',
    duration_seconds: '30',
    billable_seconds: '0',
    status: 'no_answer',
    cost: '0.001000',
    currency: 'EUR',
    number_id: '',
    ...overrides,
  };
  return HEADER.split(',').map((name) => cells[name]).join(',');
}

describe('operator CSV import of CDRs (npm run cdrs:import)', () => {
  let t: TestApp;
  let ingest: CdrIngestService;
  let dir: string;

  beforeAll(async () => {
    t = await startTestApp();
    ingest = t.app.get(CdrIngestService);
    dir = mkdtempSync(join(tmpdir(), 'didhub-cdr-import-'));
  });

  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('imports every row in batches, reports progress, and skips rows already present on a rerun', async () => {
    const { accountId } = await seedUser(t);
    const lines = Array.from({ length: 11 }, (_, i) => row(accountId, i));
    // Quoted cells, a BOM and CRLF line ends, as spreadsheets write them.
    lines[3] = row(accountId, 3, {
      external_id: '"imp-3,""quoted"""',
      status: 'answered',
      answered_at: '2025-02-01T10:00:04Z',
      billable_seconds: '25',
    });
    const path = file('ok.csv', `\ufeff${HEADER}\r\n${lines.join('\r\n')}\r\n`);
    const progress: ImportProgress[] = [];

    const result = await importCdrCsv(path, ingest, { batchSize: 4, onProgress: (p) => progress.push(p) });
    expect(result).toEqual({ ok: true, total: 11, inserted: 11, duplicates: 0 });
    expect(await countCdrs(t, accountId)).toBe(11);
    const quoted = await t.prisma.cdr.findFirstOrThrow({ where: { accountId, externalId: 'imp-3,"quoted"' } });
    expect(quoted.billableSeconds).toBe(25);
    expect(quoted.status).toBe('answered');
    expect(progress.filter((p) => p.phase === 'validating').map((p) => p.done)).toEqual([4, 8, 11]);
    expect(progress.filter((p) => p.phase === 'importing').map((p) => [p.done, p.total])).toEqual([[4, 11], [8, 11], [11, 11]]);
    expect(progress.every((p) => p.rowsPerSecond > 0)).toBe(true);

    const again = await importCdrCsv(path, ingest, { batchSize: 4 });
    expect(again).toEqual({ ok: true, total: 11, inserted: 0, duplicates: 11 });
    expect(await countCdrs(t, accountId)).toBe(11);
  });

  it('writes nothing when any row is invalid, naming its line and field', async () => {
    const { accountId } = await seedUser(t);
    const lines = Array.from({ length: 9 }, (_, i) => row(accountId, i));
    lines[6] = row(accountId, 6, { to: '12345' });
    lines[8] = row(accountId, 8, { duration_seconds: 'ten' });
    const path = file('bad.csv', `${HEADER}\n${lines.join('\n')}\n`);

    const result = await importCdrCsv(path, ingest, { batchSize: 2 });
    expect(result).toEqual({
      ok: false,
      total: 9,
      problemCount: 2,
      problems: [
        { line: 8, message: expect.stringMatching(/^to must be an E\.164 number/) },
        { line: 10, message: 'duration_seconds must be a non-negative integer' },
      ],
    });
    expect(await countCdrs(t, accountId)).toBe(0);
  });

  it('refuses an unknown column, a short row and an unknown account before writing', async () => {
    const { accountId } = await seedUser(t);
    const unknownColumn = file('col.csv', `${HEADER},caller_name\n${row(accountId, 1)},Alice\n`);
    const r1 = await importCdrCsv(unknownColumn, ingest);
    expect(r1.ok).toBe(false);
    expect(!r1.ok && r1.problems[0]).toEqual({ line: 1, message: 'unknown column "caller_name"' });

    const short = file('short.csv', `${HEADER}\n${row(accountId, 1)}\n${accountId},imp-2\n`);
    const r2 = await importCdrCsv(short, ingest);
    expect(!r2.ok && r2.problems).toEqual([{ line: 3, message: 'has 2 cells, the header has 14' }]);

    const stranger = file('acct.csv', `${HEADER}\n${row(accountId, 1)}\n${row('acct_0000000000000000000000', 2)}\n`);
    const r3 = await importCdrCsv(stranger, ingest);
    expect(!r3.ok && r3.problems).toEqual([{ line: 3, message: 'account_id is not a known account' }]);
    expect(await countCdrs(t, accountId)).toBe(0);
  });
});
