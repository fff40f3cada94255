import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { CommonErrors } from '../../platform/errors/common-errors';
import { isIdOf } from '../../platform/ids/ids';
import { CursorCodec } from '../../platform/pagination/cursor';
import { type ListResponse, toListPage } from '../../platform/pagination/list';
import { CdrErrors } from './cdr-errors';
import type { CdrFilterQueryDto, ListCdrsQueryDto } from './cdr-query.dto';
import { type CdrResponse, toCdrResponse } from './cdr-response';
import { type CdrFilters, type CdrPosition, CdrsRepository } from './cdrs.repository';
import { parseIsoTimestamp } from './iso-timestamp';

const DEFAULT_LIMIT = 20;
/**
 * Rows per export query where the export is read in batches (PGlite): large enough to amortise
 * the round trip, small enough that a batch (about 200 KB of CSV) stays a short-lived allocation.
 */
export const EXPORT_BATCH = 1000;

/** Reading an account's CDRs: pages, one by id, and the export's batches. */
@Injectable()
export class CdrsService {
  constructor(
    private readonly cdrs: CdrsRepository,
    private readonly cursors: CursorCodec,
  ) {}

  /** Validated filters; throws 400 for a window that ends before it starts. */
  filters(query: CdrFilterQueryDto): CdrFilters {
    const filters: CdrFilters = {
      startedAfter: query.started_after ? parseIsoTimestamp(query.started_after) : null,
      startedBefore: query.started_before ? parseIsoTimestamp(query.started_before) : null,
      number: query.number ?? null,
      direction: query.direction ?? null,
      status: query.status ?? null,
    };
    if (filters.startedAfter && filters.startedBefore && filters.startedBefore < filters.startedAfter) {
      throw CommonErrors.invalidParam('started_before', 'started_before must not be earlier than started_after.');
    }
    return filters;
  }

  async list(accountId: string, query: ListCdrsQueryDto): Promise<ListResponse<CdrResponse>> {
    const filters = this.filters(query);
    // The cursor is bound to the account and the exact filters: reusing it elsewhere is a 400.
    const scope = cursorScope(accountId, filters);
    const after = query.cursor ? positionOf(this.cursors.decode(scope, query.cursor)) : null;
    const limit = query.limit ?? DEFAULT_LIMIT;
    const rows = await this.cdrs.findPage(accountId, filters, after, limit + 1);
    return toListPage(rows, limit, toCdrResponse, (row) => this.cursors.encode(scope, [row.startedAt, row.id]));
  }

  async get(accountId: string, id: string): Promise<CdrResponse> {
    // Another account's CDR and a malformed id look the same: not found.
    if (!isIdOf('cdr', id)) throw CdrErrors.notFound();
    const row = await this.cdrs.findById(accountId, id);
    if (!row) throw CdrErrors.notFound();
    return toCdrResponse(row);
  }

  /** All matching rows as CSV lines (no header row), newest first, streamed. */
  exportCsv(accountId: string, filters: CdrFilters): Promise<Readable> {
    return this.cdrs.exportCsv(accountId, filters, EXPORT_BATCH);
  }
}

function cursorScope(accountId: string, filters: CdrFilters): string {
  const canonical = JSON.stringify([
    filters.startedAfter?.toISOString() ?? null,
    filters.startedBefore?.toISOString() ?? null,
    filters.number,
    filters.direction,
    filters.status,
  ]);
  return `cdrs:${accountId}:${createHash('sha256').update(canonical).digest('base64url').slice(0, 16)}`;
}

function positionOf(key: unknown[]): CdrPosition {
  const [startedAt, id] = key;
  const date = typeof startedAt === 'string' ? parseIsoTimestamp(startedAt) : null;
  if (key.length !== 2 || !date || !isIdOf('cdr', id)) throw CommonErrors.invalidCursor();
  return { startedAt: date, id };
}
