import { Injectable } from '@nestjs/common';
import { Prisma } from '../generated/prisma/client';
import { PrismaService } from '../prisma/prisma.service';
import { newId } from '../common/ids/ids';
import type { NewCdr } from './cdr-record';

export interface CdrRow {
  id: string;
  direction: string;
  fromNumber: string;
  toNumber: string;
  startedAt: Date;
  answeredAt: Date | null;
  endedAt: Date;
  durationSeconds: number;
  billableSeconds: number;
  status: string;
  /** Exact decimal text from the database (never through a float). */
  cost: string;
  currency: string;
  numberId: string | null;
  externalId: string;
}

export interface CdrFilters {
  startedAfter: Date | null;
  startedBefore: Date | null;
  number: string | null;
  direction: string | null;
  status: string | null;
}

/** The keyset position: the last row of the previous page. */
export interface CdrPosition {
  startedAt: Date;
  id: string;
}

const INSERT_CHUNK = 2000;

const COLUMNS = Prisma.sql`id, direction, from_number AS "fromNumber", to_number AS "toNumber", started_at AS "startedAt",
  answered_at AS "answeredAt", ended_at AS "endedAt", duration_seconds AS "durationSeconds",
  billable_seconds AS "billableSeconds", status, cost::text AS cost, currency, number_id AS "numberId",
  external_id AS "externalId"`;

const NEWEST_FIRST = Prisma.sql`ORDER BY started_at DESC, id DESC`;

/** One export batch, already rendered as CSV lines; `last` is the keyset position of its final row. */
export interface CdrCsvBatch {
  rows: number;
  csv: string;
  last: CdrPosition | null;
}

/**
 * The SQL twin of csvCell (cdr-csv.ts) for a text column: a formula-looking cell that is not a
 * plain number gets a leading apostrophe, and a cell with a quote, comma or line break is quoted
 * with its quotes doubled. [0-9] rather than \d so no locale digits count as numbers.
 * `column` is always one of the constant names below, never input.
 */
function csvTextCell(column: string): Prisma.Sql {
  const c = Prisma.raw(column);
  const guarded = Prisma.sql`CASE WHEN ${c} ~ '^[=+@\t\r-]' AND ${c} !~ '^[+-]?[0-9]+([.][0-9]+)?$' THEN '''' || ${c} ELSE ${c} END`;
  return Prisma.sql`CASE WHEN ${c} ~ '[",\r\n]' THEN '"' || replace(${guarded}, '"', '""') || '"' ELSE ${guarded} END`;
}

/** Date.prototype.toISOString's format (UTC, milliseconds); it never needs quoting or a guard. */
function isoCell(column: string): Prisma.Sql {
  return Prisma.sql`to_char(${Prisma.raw(column)} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

/** One export line in CDR_CSV_COLUMNS order; integers and the numeric cost are plain numbers (never guarded). */
const CSV_LINE = Prisma.sql`${csvTextCell('id')} || ',' || ${csvTextCell('direction')} || ',' || ${csvTextCell('from_number')}
  || ',' || ${csvTextCell('to_number')} || ',' || ${isoCell('started_at')} || ',' || coalesce(${isoCell('answered_at')}, '')
  || ',' || ${isoCell('ended_at')} || ',' || duration_seconds::text || ',' || billable_seconds::text
  || ',' || ${csvTextCell('status')} || ',' || cost::text || ',' || ${csvTextCell('currency')}
  || ',' || coalesce(${csvTextCell('number_id')}, '') || ',' || ${csvTextCell('external_id')} || E'\r\n'`;

const EXPORT_COLUMNS = Prisma.sql`id, direction, from_number, to_number, started_at, answered_at, ended_at, duration_seconds,
  billable_seconds, status, cost, currency, number_id, external_id`;

@Injectable()
export class CdrsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async existingAccountIds(ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.prisma.$queryRaw<{ id: string }[]>(
      Prisma.sql`SELECT id FROM accounts WHERE id = ANY(${ids}::text[])`,
    );
    return new Set(rows.map((r) => r.id));
  }

  /**
   * Inserts the records in one transaction, set-based (one unnest per chunk); a record whose
   * (account, external_id) is already stored — or repeated earlier in the batch — is skipped.
   * Returns how many rows were new.
   */
  async insertMany(records: NewCdr[]): Promise<number> {
    if (records.length === 0) return 0;
    return this.prisma.$transaction(
      async (tx) => {
        let inserted = 0;
        for (let start = 0; start < records.length; start += INSERT_CHUNK) {
          const chunk = records.slice(start, start + INSERT_CHUNK);
          const col = <T>(pick: (r: NewCdr) => T) => chunk.map(pick);
          inserted += await tx.$executeRaw(Prisma.sql`
            INSERT INTO cdrs (id, account_id, external_id, direction, from_number, to_number, started_at, answered_at,
              ended_at, duration_seconds, billable_seconds, status, cost, currency, number_id)
            SELECT * FROM unnest(
              ${col(() => newId('cdr'))}::text[], ${col((r) => r.accountId)}::text[], ${col((r) => r.externalId)}::text[],
              ${col((r) => r.direction)}::text[], ${col((r) => r.fromNumber)}::text[], ${col((r) => r.toNumber)}::text[],
              ${col((r) => r.startedAt.toISOString())}::timestamptz[], ${col((r) => r.answeredAt?.toISOString() ?? null)}::timestamptz[],
              ${col((r) => r.endedAt.toISOString())}::timestamptz[], ${col((r) => r.durationSeconds)}::int[],
              ${col((r) => r.billableSeconds)}::int[], ${col((r) => r.status)}::text[], ${col((r) => r.cost)}::numeric[],
              ${col((r) => r.currency)}::text[], ${col((r) => r.numberId)}::text[])
            ON CONFLICT (account_id, external_id) DO NOTHING`);
        }
        return inserted;
      },
      { timeout: 120_000, maxWait: 10_000 },
    );
  }

  async findById(accountId: string, id: string): Promise<CdrRow | null> {
    const rows = await this.prisma.$queryRaw<CdrRow[]>(
      Prisma.sql`SELECT ${COLUMNS} FROM cdrs WHERE account_id = ${accountId} AND id = ${id}`,
    );
    return rows[0] ?? null;
  }

  /**
   * One keyset page, newest first, ties on started_at broken by id. A number filter is a
   * UNION of the from- and to-number branches so each walks its own
   * (account_id, <number>, started_at DESC, id DESC) index instead of scanning the account.
   */
  async findPage(accountId: string, filters: CdrFilters, after: CdrPosition | null, limit: number): Promise<CdrRow[]> {
    if (filters.number === null) {
      return this.prisma.$queryRaw<CdrRow[]>(Prisma.sql`
        SELECT ${COLUMNS} FROM cdrs WHERE ${conditions(accountId, filters, after, null)} ${NEWEST_FIRST} LIMIT ${limit}`);
    }
    return this.prisma.$queryRaw<CdrRow[]>(Prisma.sql`
      SELECT ${COLUMNS} FROM (
        (SELECT * FROM cdrs WHERE ${conditions(accountId, filters, after, 'from_number')} ${NEWEST_FIRST} LIMIT ${limit})
        UNION
        (SELECT * FROM cdrs WHERE ${conditions(accountId, filters, after, 'to_number')} ${NEWEST_FIRST} LIMIT ${limit})
      ) AS matched ${NEWEST_FIRST} LIMIT ${limit}`);
  }

  /**
   * The export's counterpart of findPage: the same keyset batch, but formatted to CSV and
   * concatenated by the database, so a batch reaches Node as one string instead of an object,
   * three Dates and a dozen strings per row.
   */
  async findCsvBatch(accountId: string, filters: CdrFilters, after: CdrPosition | null, limit: number): Promise<CdrCsvBatch> {
    const batch =
      filters.number === null
        ? Prisma.sql`SELECT ${EXPORT_COLUMNS} FROM cdrs WHERE ${conditions(accountId, filters, after, null)} ${NEWEST_FIRST} LIMIT ${limit}`
        : Prisma.sql`(SELECT ${EXPORT_COLUMNS} FROM cdrs WHERE ${conditions(accountId, filters, after, 'from_number')} ${NEWEST_FIRST} LIMIT ${limit})
            UNION
            (SELECT ${EXPORT_COLUMNS} FROM cdrs WHERE ${conditions(accountId, filters, after, 'to_number')} ${NEWEST_FIRST} LIMIT ${limit})
            ${NEWEST_FIRST} LIMIT ${limit}`;
    const [row] = await this.prisma.$queryRaw<{ rows: number; csv: string | null; lastStartedAt: Date | null; lastId: string | null }[]>(
      Prisma.sql`
        SELECT count(*)::int AS "rows", string_agg(${CSV_LINE}, '' ${NEWEST_FIRST}) AS csv,
          (array_agg(started_at ORDER BY started_at, id))[1] AS "lastStartedAt", (array_agg(id ORDER BY started_at, id))[1] AS "lastId"
        FROM (${batch}) AS batch`,
    );
    return {
      rows: row.rows,
      csv: row.csv ?? '',
      last: row.lastStartedAt && row.lastId ? { startedAt: row.lastStartedAt, id: row.lastId } : null,
    };
  }
}

function conditions(
  accountId: string,
  filters: CdrFilters,
  after: CdrPosition | null,
  numberColumn: 'from_number' | 'to_number' | null,
): Prisma.Sql {
  const parts = [Prisma.sql`account_id = ${accountId}`];
  if (numberColumn) parts.push(Prisma.sql`${Prisma.raw(numberColumn)} = ${filters.number}`);
  if (filters.startedAfter) parts.push(Prisma.sql`started_at >= ${filters.startedAfter.toISOString()}::timestamptz`);
  if (filters.startedBefore) parts.push(Prisma.sql`started_at < ${filters.startedBefore.toISOString()}::timestamptz`);
  if (filters.direction) parts.push(Prisma.sql`direction = ${filters.direction}`);
  if (filters.status) parts.push(Prisma.sql`status = ${filters.status}`);
  // A row comparison matches the index order exactly, so the scan starts right after the cursor.
  if (after) parts.push(Prisma.sql`(started_at, id) < (${after.startedAt.toISOString()}::timestamptz, ${after.id})`);
  return Prisma.join(parts, ' AND ');
}
