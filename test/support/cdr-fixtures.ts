import { randomBytes } from 'node:crypto';
import { TEST_ADMIN_TOKEN, type TestApp } from './test-app';

export type CdrInput = Record<string, unknown>;

let sequence = 0;

/** A valid answered call for `accountId`; override any field (undefined removes it). */
export function cdrRecord(accountId: string, overrides: CdrInput = {}): CdrInput {
  sequence++;
  const record: CdrInput = {
    account_id: accountId,
    external_id: `sw-${randomBytes(6).toString('hex')}-${sequence}`,
    direction: 'inbound',
    from: '+14155550100',
    to: '+442071838750',
    started_at: '2025-03-01T10:00:00.000Z',
    answered_at: '2025-03-01T10:00:05.000Z',
    ended_at: '2025-03-01T10:01:05.000Z',
    duration_seconds: 65,
    billable_seconds: 60,
    status: 'answered',
    cost: '0.012500',
    currency: 'USD',
    ...overrides,
  };
  for (const [key, value] of Object.entries(record)) if (value === undefined) delete record[key];
  return record;
}

export function ingestCdrs(t: TestApp, cdrs: unknown) {
  return t.http().post('/v1/admin/cdrs').set('Authorization', `Bearer ${TEST_ADMIN_TOKEN}`).send({ cdrs });
}

/** Ingests and insists it worked; returns the response body. */
export async function ingestOk(t: TestApp, cdrs: CdrInput[]): Promise<{ received: number; inserted: number; duplicates: number }> {
  const res = await ingestCdrs(t, cdrs);
  if (res.status !== 200) throw new Error(`ingest answered ${res.status}: ${JSON.stringify(res.body).slice(0, 500)}`);
  return res.body;
}

export async function countCdrs(t: TestApp, accountId: string): Promise<number> {
  return t.prisma.cdr.count({ where: { accountId } });
}

/** `count` answered calls for `accountId`, one second apart from 2025-01-01, inserted in one statement. */
export async function insertBulkCdrs(t: Pick<TestApp, 'prisma'>, accountId: string, count: number): Promise<void> {
  await t.prisma.$executeRawUnsafe(
    `INSERT INTO cdrs (id, account_id, external_id, direction, from_number, to_number, started_at, answered_at, ended_at,
       duration_seconds, billable_seconds, status, cost, currency)
     SELECT 'cdr_' || md5($1 || g::text), $1, 'bulk-' || g, 'inbound', '+14155550100', '+442071838750',
       timestamptz '2025-01-01' + g * interval '1 second', NULL, timestamptz '2025-01-01' + g * interval '1 second' + interval '1 minute',
       60, 60, 'answered', 0.0125, 'USD'
     FROM generate_series(1, $2::int) AS g`,
    accountId,
    count,
  );
}
