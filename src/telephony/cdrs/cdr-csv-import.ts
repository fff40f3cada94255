import { createReadStream } from 'node:fs';
import type { CdrIngestService } from './cdr-ingest.service';
import { CDR_INPUT_FIELDS, type CdrFieldError } from './cdr-record';
import { type CsvRow, readCsvRows } from './csv-reader';

export const DEFAULT_IMPORT_BATCH = 5000;
const MAX_REPORTED_ERRORS = 100;
const INTEGER_FIELDS: ReadonlySet<string> = new Set(['duration_seconds', 'billable_seconds']);
const KNOWN_FIELDS: ReadonlySet<string> = new Set(CDR_INPUT_FIELDS);

export interface ImportProgress {
  phase: 'validating' | 'importing';
  done: number;
  /** Known once the validation pass has counted the rows. */
  total: number | null;
  rowsPerSecond: number;
}

export interface ImportProblem {
  line: number | null;
  message: string;
}

export type ImportResult =
  | { ok: true; total: number; inserted: number; duplicates: number }
  | { ok: false; total: number; problems: ImportProblem[]; problemCount: number };

interface Batch {
  records: Record<string, unknown>[];
  lines: number[];
}

/**
 * Imports a CSV of CDRs (header row with the API's field names) through the same validation
 * as POST /v1/admin/cdrs. Two passes: the whole file is validated first and nothing is written
 * if any row is wrong; then it is written in batches, one transaction each. An import cut off
 * during the second pass can simply be run again: stored rows are skipped by external_id.
 */
export async function importCdrCsv(
  path: string,
  ingest: CdrIngestService,
  options: { batchSize?: number; onProgress?: (p: ImportProgress) => void } = {},
): Promise<ImportResult> {
  const batchSize = options.batchSize ?? DEFAULT_IMPORT_BATCH;
  const problems: ImportProblem[] = [];
  let problemCount = 0;
  const report = (problem: ImportProblem) => {
    problemCount++;
    if (problems.length < MAX_REPORTED_ERRORS) problems.push(problem);
  };

  let started = Date.now();
  let total = 0;
  for await (const batch of batches(path, batchSize, report)) {
    const { errors } = await ingest.validate(batch.records);
    for (const error of errors) report(describe(error, batch.lines));
    total += batch.records.length;
    options.onProgress?.({ phase: 'validating', done: total, total: null, rowsPerSecond: rate(total, started) });
  }
  if (problemCount > 0) return { ok: false, total, problems, problemCount };

  started = Date.now();
  let done = 0;
  let inserted = 0;
  for await (const batch of batches(path, batchSize, report)) {
    const { valid, errors } = await ingest.validate(batch.records);
    // The file changed between the passes; stop before writing anything unchecked.
    if (errors.length || problemCount > 0) {
      for (const error of errors) report(describe(error, batch.lines));
      return { ok: false, total, problems, problemCount };
    }
    inserted += await ingest.store(valid);
    done += batch.records.length;
    options.onProgress?.({ phase: 'importing', done, total, rowsPerSecond: rate(done, started) });
  }
  return { ok: true, total: done, inserted, duplicates: done - inserted };
}

function rate(rows: number, since: number): number {
  return rows / Math.max((Date.now() - since) / 1000, 0.001);
}

function describe(error: CdrFieldError, lines: number[]): ImportProblem {
  return { line: lines[error.index] ?? null, message: `${error.field ?? 'row'} ${error.message}` };
}

async function* batches(path: string, size: number, report: (p: ImportProblem) => void): AsyncGenerator<Batch> {
  let header: string[] | null = null;
  let batch: Batch = { records: [], lines: [] };
  for await (const row of readCsvRows(createReadStream(path))) {
    if (!header) {
      header = checkHeader(row, report);
      continue;
    }
    if (row.cells.length !== header.length) {
      report({ line: row.line, message: `has ${row.cells.length} cells, the header has ${header.length}` });
      continue;
    }
    batch.records.push(toRecord(header, row));
    batch.lines.push(row.line);
    if (batch.records.length >= size) {
      yield batch;
      batch = { records: [], lines: [] };
    }
  }
  if (!header) report({ line: null, message: 'the file is empty: expected a header row' });
  if (batch.records.length) yield batch;
}

function checkHeader(row: CsvRow, report: (p: ImportProblem) => void): string[] {
  const header = row.cells.map((c) => c.trim());
  const seen = new Set<string>();
  for (const name of header) {
    if (!KNOWN_FIELDS.has(name)) report({ line: row.line, message: `unknown column "${name.slice(0, 40)}"` });
    else if (seen.has(name)) report({ line: row.line, message: `column "${name}" appears twice` });
    seen.add(name);
  }
  return header;
}

/** CSV has only text: empty cells are absent fields, whole-number cells of integer columns become numbers. */
function toRecord(header: string[], row: CsvRow): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  header.forEach((name, i) => {
    const cell = row.cells[i];
    if (cell === '') return;
    record[name] = INTEGER_FIELDS.has(name) && /^\d{1,10}$/.test(cell) ? Number(cell) : cell;
  });
  return record;
}
