import { EncryptedPDFError, PDFContext, PDFDict, PDFDocument, PDFName, PDFNumber, PDFObjectParser, PDFRawStream } from 'pdf-lib';
import { ComplianceErrors } from '../compliance-errors';

/** Whitespace as PDF defines it (ISO 32000-1, 7.2.2). */
const WHITESPACE = /[\0\t\n\f\r ]*/y;
const STARTXREF = /startxref[\0\t\n\f\r ]+(\d{1,12})[\0\t\n\f\r ]*$/;
const OBJECT_HEADER = /(\d{1,10})[\0\t\n\f\r ]+(\d{1,5})[\0\t\n\f\r ]+obj(?![^\0\t\n\f\r ()<>[\]{}/%])/y;
const XREF_KEYWORD = /xref(?=[\0\t\n\f\r ])/y;
const SUBSECTION = /(\d{1,10})[\t ]+(\d{1,10})[\0\t\n\f\r ]*/y;
const ENTRY = /(\d{10}) (\d{5}) ([nf])[\r\n ]{1,2}/y;
const TRAILER_KEYWORD = /trailer/y;
/** More update sections than any producer writes; bounds the walk over a crafted /Prev chain. */
const MAX_SECTIONS = 256;

function corrupt(reason: string): never {
  throw ComplianceErrors.fileCorrupt('PDF', reason);
}

function matchAt(re: RegExp, text: string, at: number): RegExpExecArray | null {
  re.lastIndex = at;
  return re.exec(text);
}

function skipWhitespace(text: string, at: number): number {
  WHITESPACE.lastIndex = at;
  WHITESPACE.exec(text);
  return WHITESPACE.lastIndex;
}

const unescape = (name: string): string => name.replace(/#([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

/**
 * A name as the document means it. pdf-lib decodes only upper-case `#XX` escapes and re-escapes
 * the `#` of any other, so `/E#6ecrypt` reaches us as `/E#236ecrypt`: decoding twice recovers
 * `Encrypt`. Only a key holding a literal `#` could be misread, and for /Encrypt that errs on
 * the side of refusing.
 */
function nameOf(key: PDFName): string {
  return unescape(unescape(key.asString().slice(1)));
}

function entry(dict: PDFDict, name: string): unknown {
  for (const [key, value] of dict.entries()) if (nameOf(key) === name) return value;
  return undefined;
}

function parseObjectAt(bytes: Uint8Array, at: number): unknown {
  try {
    return PDFObjectParser.forBytes(bytes.subarray(at), PDFContext.create()).parseObject();
  } catch {
    return corrupt('an object of its cross-reference chain does not parse');
  }
}

/**
 * Walks the cross-reference chain from the last `startxref` (tables and streams, through every
 * /Prev and /XRefStm of incremental updates) and returns each trailer dictionary. Every in-use
 * entry of a table must point at its object: a header glued to foreign content, or a stitched
 * file, does not line up.
 */
function trailers(bytes: Uint8Array, text: string, end: number): PDFDict[] {
  const tail = STARTXREF.exec(text.slice(Math.max(0, end - 64), end));
  if (!tail) corrupt('no startxref before the end-of-file marker');
  const queue = [Number(tail[1])];
  const seen = new Set<number>();
  const found: PDFDict[] = [];
  while (queue.length > 0) {
    const recorded = queue.shift()!;
    if (seen.has(recorded)) continue;
    if (seen.size >= MAX_SECTIONS) corrupt('too many cross-reference sections');
    seen.add(recorded);
    if (recorded >= end) corrupt('a cross-reference offset points past the end');
    // Some writers record the offset of the line break before the section, as viewers tolerate.
    const offset = skipWhitespace(text, recorded);
    let dict: PDFDict;
    if (matchAt(XREF_KEYWORD, text, offset)) {
      let at = offset + 4;
      for (;;) {
        at = skipWhitespace(text, at);
        if (matchAt(TRAILER_KEYWORD, text, at)) break;
        const sub = matchAt(SUBSECTION, text, at);
        if (!sub) corrupt('a cross-reference table is malformed');
        at = SUBSECTION.lastIndex;
        const first = Number(sub[1]);
        for (let i = 0; i < Number(sub[2]); i++) {
          const row = matchAt(ENTRY, text, at);
          if (!row) corrupt('a cross-reference table is malformed');
          at = ENTRY.lastIndex;
          if (row[3] !== 'n') continue;
          const header = matchAt(OBJECT_HEADER, text, Number(row[1]));
          if (!header || Number(header[1]) !== first + i) corrupt('its cross-reference table does not match its objects');
        }
      }
      const trailer = parseObjectAt(bytes, at + 'trailer'.length);
      if (!(trailer instanceof PDFDict)) corrupt('a trailer is not a dictionary');
      dict = trailer;
    } else {
      const header = matchAt(OBJECT_HEADER, text, offset);
      if (!header) corrupt('startxref does not point at a cross-reference section');
      const stream = parseObjectAt(bytes, OBJECT_HEADER.lastIndex);
      const type = stream instanceof PDFRawStream ? entry(stream.dict, 'Type') : undefined;
      if (!(stream instanceof PDFRawStream) || !(type instanceof PDFName) || nameOf(type) !== 'XRef') {
        corrupt('startxref does not point at a cross-reference section');
      }
      dict = stream.dict;
    }
    found.push(dict);
    for (const key of ['Prev', 'XRefStm']) {
      const next = entry(dict, key);
      if (next instanceof PDFNumber) queue.push(next.asNumber());
      else if (next !== undefined) corrupt(`/${key} is not an offset`);
    }
  }
  return found;
}

/**
 * Accepts a complete, unencrypted PDF: nothing but whitespace after the last `%%EOF`, a
 * cross-reference chain that lines up with the objects, no /Encrypt in any trailer (names
 * compared after decoding `#xx` escapes, so `/Encr#79pt` is /Encrypt), and a document pdf-lib
 * loads with its page tree. Throws the 422 that refuses the file.
 */
export async function checkPdf(bytes: Uint8Array): Promise<void> {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  const eof = text.lastIndexOf('%%EOF');
  if (eof < 0) corrupt('no end-of-file marker');
  if (skipWhitespace(text, eof + 5) !== text.length) throw ComplianceErrors.fileTrailingData('PDF', '%%EOF');

  const dicts = trailers(bytes, text, eof);
  if (dicts.some((dict) => entry(dict, 'Encrypt') !== undefined)) throw ComplianceErrors.pdfEncrypted();
  if (entry(dicts[0], 'Root') === undefined) corrupt('its trailer has no /Root');

  let pages: number;
  try {
    const document = await PDFDocument.load(bytes, { throwOnInvalidObject: true, updateMetadata: false });
    pages = document.getPageCount();
  } catch (error) {
    if (error instanceof EncryptedPDFError) throw ComplianceErrors.pdfEncrypted();
    return corrupt('it does not parse');
  }
  if (pages < 1) corrupt('it has no pages');
}
