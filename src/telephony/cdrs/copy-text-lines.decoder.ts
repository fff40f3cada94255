import { Transform, type TransformCallback } from 'node:stream';

const LF = 0x0a;
const CR = 0x0d;
const BACKSLASH = 0x5c;

/** The escapes COPY ... TO (FORMAT text) writes for a column value; it writes no others. */
const UNESCAPED: Readonly<Record<number, number>> = {
  0x5c: BACKSLASH, // \\
  0x62: 0x08, // \b
  0x66: 0x0c, // \f
  0x6e: LF, // \n
  0x72: CR, // \r
  0x74: 0x09, // \t
  0x76: 0x0b, // \v
};

/**
 * Turns the output of `COPY (SELECT <one text column>) TO STDOUT` (text format) back into the
 * column's exact bytes, each row ended by CRLF instead of COPY's LF. Works on bytes: every
 * escape and row end is ASCII, which never occurs inside a multi-byte UTF-8 sequence, so a
 * chunk may be split anywhere. A NULL row (`\N`) or an unknown escape fails the stream.
 */
export class CopyTextLinesDecoder extends Transform {
  /** The previous chunk ended with a backslash whose escaped byte is still to come. */
  private pendingEscape = false;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      callback(null, this.decode(chunk));
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    callback(this.pendingEscape ? new Error('COPY output ended inside an escape sequence') : null);
  }

  private decode(chunk: Buffer): Buffer {
    let rows = 0;
    for (let i = chunk.indexOf(LF); i !== -1; i = chunk.indexOf(LF, i + 1)) rows++;
    // Each raw LF ends a row (a value's own line breaks arrive escaped) and gains a CR.
    const out = Buffer.allocUnsafe(chunk.length + rows);
    let o = 0;
    if (!this.pendingEscape && chunk.indexOf(BACKSLASH) === -1) {
      // The common case: nothing to unescape, so copy whole rows natively.
      let start = 0;
      for (let i = chunk.indexOf(LF); i !== -1; i = chunk.indexOf(LF, start)) {
        o += chunk.copy(out, o, start, i);
        out[o++] = CR;
        out[o++] = LF;
        start = i + 1;
      }
      chunk.copy(out, o, start);
      return out;
    }
    for (const byte of chunk) {
      if (this.pendingEscape) {
        const unescaped = UNESCAPED[byte];
        if (unescaped === undefined) throw new Error('unexpected escape sequence in COPY output');
        out[o++] = unescaped;
        this.pendingEscape = false;
      } else if (byte === BACKSLASH) {
        this.pendingEscape = true;
      } else if (byte === LF) {
        out[o++] = CR;
        out[o++] = LF;
      } else {
        out[o++] = byte;
      }
    }
    return out.subarray(0, o);
  }
}
