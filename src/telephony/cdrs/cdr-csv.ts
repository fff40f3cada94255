import type { CdrResponse } from './cdr-response';

/** Export columns, in order; the header row uses the API's field names. */
export const CDR_CSV_COLUMNS = [
  'id',
  'direction',
  'from',
  'to',
  'started_at',
  'answered_at',
  'ended_at',
  'duration_seconds',
  'billable_seconds',
  'status',
  'cost',
  'currency',
  'number_id',
  'external_id',
] as const satisfies readonly (keyof CdrResponse)[];

const NUMERIC = /^[+-]?\d+(\.\d+)?$/;
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One CSV cell (RFC 4180 quoting). Against spreadsheet formula injection, a cell that starts
 * with = + - @ TAB or CR gets a leading apostrophe — unless the whole cell is a plain number:
 * E.164 numbers (+1415...) and negative costs are validated on the way in, cannot carry a
 * formula, and stay machine-readable.
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (FORMULA_START.test(text) && !NUMERIC.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function cdrCsvHeader(): string {
  return `${CDR_CSV_COLUMNS.join(',')}\r\n`;
}

export function toCdrCsvLine(cdr: CdrResponse): string {
  return `${CDR_CSV_COLUMNS.map((column) => csvCell(cdr[column])).join(',')}\r\n`;
}
