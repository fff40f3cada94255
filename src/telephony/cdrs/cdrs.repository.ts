import { Readable, pipeline } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { type Client, escapeLiteral, type Pool } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { Prisma } from '../../generated/prisma/client';
import type { PostgresHandle, PreparedStatement } from '../../platform/database/database';
import { PrismaService } from '../../platform/database/prisma.service';
import { newId } from '../../platform/ids/ids';
import type { NewCdr } from './cdr-record';
import { CopyTextLinesDecoder } from './copy-text-lines.decoder';

export interface CdrRow {
  id: string;
  direction: string;
  fromNumber: string;
  toNumber: string;
  /** Timestamps as the API writes them (ISO 8601, UTC, milliseconds), formatted by the database. */
  startedAt: string;
  answeredAt: string | null;
  endedAt: string;
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

/**
 * A timestamp column as the API's ISO 8601 text (what Date#toISOString gives for the value pg
 * would parse): the page does not build three Dates per row to turn them straight back into text.
 */
const iso = (column: string) => Prisma.raw(`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);

const COLUMNS = Prisma.sql`id, direction, from_number AS "fromNumber", to_number AS "toNumber", ${iso('started_at')} AS "startedAt",
  ${iso('answered_at')} AS "answeredAt", ${iso('ended_at')} AS "endedAt", duration_seconds AS "durationSeconds",
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

/** One export line without its CRLF, in CDR_CSV_COLUMNS order; integers and the numeric cost are plain numbers (never guarded). */
const CSV_FIELDS = Prisma.sql`${csvTextCell('id')} || ',' || ${csvTextCell('direction')} || ',' || ${csvTextCell('from_number')}
  || ',' || ${csvTextCell('to_number')} || ',' || ${isoCell('started_at')} || ',' || coalesce(${isoCell('answered_at')}, '')
  || ',' || ${isoCell('ended_at')} || ',' || duration_seconds::text || ',' || billable_seconds::text
  || ',' || ${csvTextCell('status')} || ',' || cost::text || ',' || ${csvTextCell('currency')}
  || ',' || coalesce(${csvTextCell('number_id')}, '') || ',' || ${csvTextCell('external_id')}`;

const CSV_LINE = Prisma.sql`${CSV_FIELDS} || E'\r\n'`;

const TABLE_COLUMNS = Prisma.sql`id, direction, from_number, to_number, started_at, answered_at, ended_at, duration_seconds,
  billable_seconds, status, cost, currency, number_id, external_id`;

@Injectable()
export class CdrsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The status of each of these accounts that exists. */
  async accountStatuses(ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.prisma.$queryRaw<{ id: string; status: string }[]>(
      Prisma.sql`SELECT id, status FROM accounts WHERE id = ANY(${ids}::text[])`,
    );
    return new Map(rows.map((r) => [r.id, r.status]));
  }

  /**
   * Inserts the records in one transaction, set-based (one unnest per chunk); a record whose
   * (account, external_id) is already stored — or repeated earlier in the batch — is skipped,
   * and so is one for an account being anonymised or anonymised since validation (its numbers
   * would outlive the erasure). Returns how many rows were new.
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
              AS r(id, account_id, external_id, direction, from_number, to_number, started_at, answered_at, ended_at,
                   duration_seconds, billable_seconds, status, cost, currency, number_id)
            WHERE EXISTS (SELECT 1 FROM accounts a WHERE a.id = r.account_id AND a.status NOT IN ('anonymizing', 'anonymized'))
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
   * One keyset page, newest first, ties on started_at broken by id. The partner hot path: a
   * prepared statement on the lean path (one per combination of filters), not Prisma's engine.
   */
  async findPage(accountId: string, filters: CdrFilters, after: CdrPosition | null, limit: number): Promise<CdrRow[]> {
    const query = Prisma.sql`SELECT ${COLUMNS} FROM (${matching(accountId, filters, after, limit)}) AS matched ${NEWEST_FIRST}`;
    return this.prisma.database.prepared<CdrRow>(pageStatement(query.text), query.values);
  }

  /**
   * Every matching row as CSV lines (no header row), newest first. On PostgreSQL one
   * `COPY ... TO STDOUT` on a connection of the export pool streams the bytes straight through, so
   * rows never become JS strings and the socket's pace holds the server back; destroying the
   * returned stream (client gone) drops that connection. PGlite has no COPY streaming: there
   * the rows come in keyset batches of `batchSize`, one string each.
   */
  async exportCsv(accountId: string, filters: CdrFilters, batchSize: number): Promise<Readable> {
    const database = this.prisma.database;
    // Exports have a pool of their own: a slow reader holds a connection for as long as it likes.
    if (database.kind === 'postgres') return copyCsv((database as PostgresHandle).exportPool, exportQuery(accountId, filters));
    // One batch buffered ahead, one being fetched: the old at-most-two-batches bound.
    return Readable.from(this.csvBatches(accountId, filters, batchSize), { objectMode: true, highWaterMark: 1 });
  }

  private async *csvBatches(accountId: string, filters: CdrFilters, batchSize: number): AsyncGenerator<string> {
    let after: CdrPosition | null = null;
    for (;;) {
      const batch = await this.findCsvBatch(accountId, filters, after, batchSize);
      if (batch.rows) yield batch.csv;
      if (batch.rows < batchSize || !batch.last) return;
      after = batch.last;
    }
  }

  /**
   * The export's counterpart of findPage: the same keyset batch, but formatted to CSV and
   * concatenated by the database, so a batch reaches Node as one string instead of an object,
   * three Dates and a dozen strings per row.
   */
  async findCsvBatch(accountId: string, filters: CdrFilters, after: CdrPosition | null, limit: number): Promise<CdrCsvBatch> {
    const batch = matching(accountId, filters, after, limit);
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

// The page query's text depends only on which filters are present, never on their values:
// a handful of statements, each named once for the life of the process.
const pageStatements = new Map<string, PreparedStatement>();

function pageStatement(text: string): PreparedStatement {
  let statement = pageStatements.get(text);
  if (!statement) {
    statement = { name: `cdrs_page_${pageStatements.size}`, text };
    pageStatements.set(text, statement);
  }
  return statement;
}

/**
 * The whole export as one statement: the same filters, order and CSV formatting as
 * findCsvBatch, one formatted line per row. COPY is a single snapshot, so there is no keyset.
 */
function exportQuery(accountId: string, filters: CdrFilters): Prisma.Sql {
  return Prisma.sql`SELECT ${CSV_FIELDS} AS line FROM (${matching(accountId, filters, null, null)}) AS matched ${NEWEST_FIRST}`;
}

/**
 * The rows matching the filters after `after`: the newest `limit` of them, or all (unordered:
 * the caller orders) when `limit` is null. A number filter is a UNION of the from- and
 * to-number branches so each walks its own (account_id, <number>, started_at DESC, id DESC)
 * index instead of scanning the account.
 */
function matching(accountId: string, filters: CdrFilters, after: CdrPosition | null, limit: number | null): Prisma.Sql {
  const newest = limit === null ? Prisma.empty : Prisma.sql`${NEWEST_FIRST} LIMIT ${limit}`;
  const branch = (numberColumn: 'from_number' | 'to_number' | null) =>
    Prisma.sql`SELECT ${TABLE_COLUMNS} FROM cdrs WHERE ${conditions(accountId, filters, after, numberColumn)} ${newest}`;
  if (filters.number === null) return branch(null);
  return Prisma.sql`(${branch('from_number')}) UNION (${branch('to_number')}) ${newest}`;
}

/**
 * COPY takes no bind parameters, so the values are written into the statement as literals,
 * quoted by pg's escapeLiteral. Only strings (ids, filter values, ISO timestamps) occur here.
 */
function inlineValues(query: Prisma.Sql): string {
  return query.strings.reduce((text, part, i) => {
    if (i === 0) return part;
    const value = query.values[i - 1];
    if (typeof value !== 'string') throw new Error('only text values can be inlined into a COPY statement');
    return `${text}${escapeLiteral(value)}${part}`;
  });
}

/**
 * Streams `query` (one text column) through COPY in text format; the decoder undoes COPY's
 * escaping and ends each line with CRLF, so the bytes equal findCsvBatch's. The connection
 * goes back to the pool only after a complete COPY; on an error or an early destroy its socket
 * is destroyed, which ends the server-side COPY instead of leaving it blocked on a full socket.
 */
async function copyCsv(pool: Pool, query: Prisma.Sql): Promise<Readable> {
  const statement = `COPY (${inlineValues(query)}) TO STDOUT`;
  const client = await pool.connect();
  // A dying socket is reported through the copy stream; nothing may surface as an unhandled 'error'.
  const ignore = () => undefined;
  client.on('error', ignore);
  let copy;
  try {
    copy = client.query(copyTo(statement));
  } catch (error) {
    client.release(true);
    throw error;
  }
  copy.on('error', ignore);
  const lines = new CopyTextLinesDecoder();
  pipeline(copy, lines, (error) => {
    if (!error) {
      client.off('error', ignore);
      client.release();
      return;
    }
    client.release(error);
    // PoolClient's type omits the connection every pg Client has.
    (client as unknown as Client).connection.stream.destroy();
  });
  return lines;
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
