import type { Readable } from 'node:stream';

export interface CsvRow {
  /** 1-based line on which the row starts (quoted cells may span lines). */
  line: number;
  cells: string[];
}

/**
 * Streaming RFC 4180 reader: quoted cells with "" escapes and embedded line breaks, CRLF or
 * LF, a leading BOM ignored, blank lines skipped. Holds one row at a time, not the file.
 */
export async function* readCsvRows(input: Readable): AsyncGenerator<CsvRow> {
  input.setEncoding('utf8');
  let cells: string[] = [];
  let cell = '';
  let inQuotes = false;
  let quoteJustClosed = false;
  let rowHasContent = false;
  let line = 1;
  let rowLine = 1;
  let pendingCr = false;
  let first = true;

  const endRow = (): CsvRow | null => {
    cells.push(cell);
    const row = rowHasContent || cells.length > 1 ? { line: rowLine, cells } : null;
    cells = [];
    cell = '';
    rowHasContent = false;
    return row;
  };

  for await (const chunk of input as AsyncIterable<string>) {
    let text = chunk;
    if (first) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    const rows: CsvRow[] = [];
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (pendingCr) {
        pendingCr = false;
        if (ch === '\n') continue;
      }
      if (inQuotes) {
        if (ch === '"') {
          if (text[i + 1] === '"') {
            cell += '"';
            i++;
          } else if (i + 1 === text.length) {
            // The escape decision needs the next chunk's first character.
            quoteJustClosed = true;
            inQuotes = false;
          } else {
            inQuotes = false;
          }
        } else {
          if (ch === '\n') line++;
          cell += ch;
        }
        continue;
      }
      if (quoteJustClosed) {
        quoteJustClosed = false;
        if (ch === '"') {
          cell += '"';
          inQuotes = true;
          continue;
        }
      }
      if (ch === '"' && cell === '') {
        inQuotes = true;
        rowHasContent = true;
      } else if (ch === ',') {
        cells.push(cell);
        cell = '';
      } else if (ch === '\n' || ch === '\r') {
        pendingCr = ch === '\r';
        const row = endRow();
        if (row) rows.push(row);
        line++;
        rowLine = line;
      } else {
        cell += ch;
        rowHasContent = true;
      }
    }
    yield* rows;
  }
  if (inQuotes) throw new Error(`line ${rowLine}: unterminated quoted cell`);
  const last = endRow();
  if (last) yield last;
}
