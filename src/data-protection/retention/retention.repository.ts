import { Injectable } from '@nestjs/common';
import type { Prisma } from '../../generated/prisma/client';
import { PrismaService } from '../../platform/database/prisma.service';

/** `pg_advisory_lock` key of the retention job ("DIDHRETN"): one runner across every instance. */
export const RETENTION_LOCK_KEY = 0x444944485245544en;

export interface RetentionRunRow {
  id: string;
  trigger: string;
  dryRun: boolean;
  status: string;
  counts: Record<string, number>;
  error: string | null;
  startedAt: Date;
  finishedAt: Date | null;
}

export interface OverriddenAccount {
  id: string;
  status: string;
  closedAt: Date | null;
  anonymizedAt: Date | null;
  retentionOverrides: unknown;
}

export type Sql = Pick<PrismaService, '$executeRawUnsafe' | '$queryRawUnsafe'>;

/**
 * The SQL the retention rules share. Rules pass table names and conditions that are constants
 * of their own file (never request input), and every value as a parameter. Each method is one
 * statement — one short transaction — unless it says otherwise.
 */
@Injectable()
export class RetentionRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Runs `fn` holding the job's lock; `acquired: false` at once when another runner holds it. */
  tryLock<T>(fn: () => Promise<T>): Promise<{ acquired: true; value: T } | { acquired: false }> {
    return this.prisma.database.tryAdvisoryLock(RETENTION_LOCK_KEY, fn);
  }

  async count(table: string, where: string, params: unknown[]): Promise<number> {
    const [row] = await this.prisma.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, ...params);
    return row.n;
  }

  /** Deletes at most `limit` rows matching `where`; returns how many. */
  deleteBatch(table: string, where: string, params: unknown[], limit: number): Promise<number> {
    return this.prisma.$executeRawUnsafe(
      `DELETE FROM ${table} WHERE ctid = ANY(ARRAY(SELECT ctid FROM ${table} WHERE ${where} LIMIT ${Math.floor(limit)}))`,
      ...params,
    );
  }

  /**
   * Deletes at most `limit` rows matching `where` with an id after `afterId`, walking the primary
   * key: for conditions no index serves, each batch starts where the last one stopped instead of
   * rescanning. Returns the count and the last id looked at (null when the table is done).
   */
  async deleteBatchById(table: string, where: string, params: unknown[], afterId: string, limit: number): Promise<{ deleted: number; lastId: string | null }> {
    const p = params.length;
    const [row] = await this.prisma.$queryRawUnsafe<{ deleted: number; last_id: string | null }[]>(
      `WITH scanned AS (
         SELECT id, (${where}) AS doomed FROM ${table} WHERE id > $${p + 1} ORDER BY id LIMIT ${Math.floor(limit)}
       ), gone AS (
         DELETE FROM ${table} t USING scanned s WHERE t.id = s.id AND s.doomed RETURNING 1
       )
       SELECT (SELECT count(*) FROM gone)::int AS deleted, (SELECT max(id) FROM scanned) AS last_id`,
      ...params,
      afterId,
    );
    return { deleted: row.deleted, lastId: row.last_id };
  }

  query<T>(sql: string, params: unknown[]): Promise<T[]> {
    return this.prisma.$queryRawUnsafe<T[]>(sql, ...params);
  }

  execute(sql: string, params: unknown[]): Promise<number> {
    return this.prisma.$executeRawUnsafe(sql, ...params);
  }

  /** One transaction, for work that must not be seen half done (an account's anonymisation). */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
    return this.prisma.$transaction((tx: Prisma.TransactionClient) => fn(tx));
  }

  /** Accounts the operator gave retention overrides (few; read once per rule). */
  async overriddenAccounts(): Promise<OverriddenAccount[]> {
    const rows = await this.prisma.$queryRawUnsafe<
      { id: string; status: string; closed_at: Date | null; anonymized_at: Date | null; retention_overrides: unknown }[]
    >('SELECT id, status, closed_at, anonymized_at, retention_overrides FROM accounts WHERE retention_overrides IS NOT NULL');
    return rows.map((r) => ({
      id: r.id,
      status: r.status,
      closedAt: r.closed_at,
      anonymizedAt: r.anonymized_at,
      retentionOverrides: r.retention_overrides,
    }));
  }

  // Run records ---------------------------------------------------------------------------

  async startRun(run: { id: string; trigger: string; dryRun: boolean; startedAt: Date }): Promise<void> {
    await this.prisma.retentionRun.create({ data: { ...run, status: 'running', counts: {} } });
  }

  /** Runs left `running` by a process that died: only called while holding the lock, so none is live. */
  async markAbandonedRuns(now: Date): Promise<number> {
    const { count } = await this.prisma.retentionRun.updateMany({
      where: { status: 'running' },
      data: { status: 'interrupted', finishedAt: now, error: 'the process running it stopped before it finished' },
    });
    return count;
  }

  async saveProgress(id: string, counts: Record<string, number>): Promise<void> {
    await this.prisma.retentionRun.update({ where: { id }, data: { counts } });
  }

  async finishRun(
    id: string,
    status: string,
    counts: Record<string, number>,
    error: string | null,
    now: Date,
    also?: (tx: Prisma.TransactionClient) => Promise<void>,
  ): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      await tx.retentionRun.update({ where: { id }, data: { status, counts, error, finishedAt: now } });
      await also?.(tx);
    });
  }

  findRun(id: string): Promise<RetentionRunRow | null> {
    return this.prisma.retentionRun.findUnique({ where: { id } }) as Promise<RetentionRunRow | null>;
  }

  listRuns(take: number, before: { startedAt: Date; id: string } | null): Promise<RetentionRunRow[]> {
    return this.prisma.retentionRun.findMany({
      where: before ? { OR: [{ startedAt: { lt: before.startedAt } }, { startedAt: before.startedAt, id: { lt: before.id } }] } : {},
      orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
      take,
    }) as Promise<RetentionRunRow[]>;
  }
}
