import type { PrismaService } from '../src/platform/database/prisma.service';

/**
 * Inserts `rows` CDRs for one account in one set-based statement: one call every 2 s back from
 * 2026-01-01 with every third start time shared (ties), 5,000 callers, 7,919 callees, 70 %
 * answered. `tag` keeps ids unique when several accounts are seeded in one database.
 */
export async function seedCdrs(prisma: PrismaService, accountId: string, rows: number, tag: string): Promise<void> {
  await prisma.$executeRawUnsafe(
    `INSERT INTO cdrs (id, account_id, external_id, direction, from_number, to_number, started_at, answered_at, ended_at,
       duration_seconds, billable_seconds, status, cost, currency)
     SELECT 'cdr_' || $2 || lpad(g::text, 21, '0'), $1, 'sw-' || g,
       CASE WHEN g % 2 = 0 THEN 'inbound' ELSE 'outbound' END,
       '+1415' || lpad((g % 5000)::text, 7, '0'), '+4420' || lpad((g % 7919)::text, 7, '0'),
       ts, CASE WHEN g % 10 < 7 THEN ts + interval '3 seconds' END, ts + interval '90 seconds',
       90, CASE WHEN g % 10 < 7 THEN 87 ELSE 0 END,
       CASE WHEN g % 10 < 7 THEN 'answered' WHEN g % 10 = 7 THEN 'busy' WHEN g % 10 = 8 THEN 'no_answer' ELSE 'failed' END,
       ((g % 1000) / 10000.0)::numeric(14, 6), 'USD'
     FROM generate_series(1, $3::int) AS g,
       LATERAL (SELECT timestamptz '2026-01-01T00:00:00Z' - ((g / 3) * interval '2 seconds') AS ts) AS t`,
    accountId,
    tag,
    rows,
  );
}
