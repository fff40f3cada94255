import { Readable } from 'node:stream';
import { csvCell } from './cdr-csv';
import { readCsvRows } from './csv-reader';
import { parseIsoTimestamp } from './iso-timestamp';

async function rows(chunks: string[]): Promise<string[][]> {
  const out: string[][] = [];
  for await (const row of readCsvRows(Readable.from(chunks))) out.push(row.cells);
  return out;
}

describe('CSV cells for the export', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['=1+2', "'=1+2"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['-cmd', "'-cmd"],
    ['+x', "'+x"],
    ['\tTAB', "'\tTAB"],
    ['=HYPERLINK("x"),y', `"'=HYPERLINK(""x""),y"`],
    ['+14155550123', '+14155550123'],
    ['-1.500000', '-1.500000'],
    ['', ''],
  ])('writes %j as %j', (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });

  it('writes null as an empty cell and numbers as digits', () => {
    expect(csvCell(null)).toBe('');
    expect(csvCell(42)).toBe('42');
  });
});

describe('CSV reader for the import', () => {
  it('reads quoted cells, doubled quotes, embedded line breaks, CRLF and a BOM', async () => {
    expect(await rows(['\ufeffa,b\r\n"x,1","say ""hi"""\r\n"two\nlines",\r\n'])).toEqual([
      ['a', 'b'],
      ['x,1', 'say "hi"'],
      ['two\nlines', ''],
    ]);
  });

  it('gives the same rows however the input is split into chunks', async () => {
    const text = 'a,b\r\n"q""x","y"\r\n\r\nlast,"end"';
    const whole = await rows([text]);
    expect(whole).toEqual([['a', 'b'], ['q"x', 'y'], ['last', 'end']]);
    for (let cut = 1; cut < text.length; cut++) {
      expect(await rows([text.slice(0, cut), text.slice(cut)])).toEqual(whole);
    }
  });

  it('reports the line each row starts on', async () => {
    const lines: number[] = [];
    for await (const row of readCsvRows(Readable.from(['h\n"a\nb"\n\nc\n']))) lines.push(row.line);
    expect(lines).toEqual([1, 2, 5]);
  });

  it('refuses an unterminated quoted cell', async () => {
    await expect(rows(['a\n"open'])).rejects.toThrow('line 2: unterminated quoted cell');
  });
});

describe('ISO 8601 timestamps', () => {
  it.each([
    ['2025-01-31T12:00:00Z', '2025-01-31T12:00:00.000Z'],
    ['2025-01-31T12:00:00.1234567Z', '2025-01-31T12:00:00.123Z'],
    ['2025-01-31T12:00:00+02:00', '2025-01-31T10:00:00.000Z'],
    ['2025-01-31T12:00-05:30', '2025-01-31T17:30:00.000Z'],
    ['2024-02-29', '2024-02-29T00:00:00.000Z'],
  ])('reads %s', (value, iso) => {
    expect(parseIsoTimestamp(value)?.toISOString()).toBe(iso);
  });

  it.each(['2025-02-29', '2025-13-01', '2025-01-31T24:00:00Z', '2025-01-31T12:00:00', '2025-01-31 12:00:00Z', 'soon', '', 42])(
    'refuses %j',
    (value) => {
      expect(parseIsoTimestamp(value)).toBeNull();
    },
  );
});
