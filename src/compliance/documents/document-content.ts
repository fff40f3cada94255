import { crc32 } from 'node:zlib';
import { ComplianceErrors } from '../compliance-errors';
import { checkPdf } from './pdf-structure';

export type DetectedType = 'application/pdf' | 'image/jpeg' | 'image/png';

export const EXTENSIONS: Record<DetectedType, string> = {
  'application/pdf': 'pdf',
  'image/jpeg': 'jpg',
  'image/png': 'png',
};

/** Enough bytes to tell the three types apart (the PNG signature is the longest). */
const HEAD_BYTES = 8;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const PDF_HEADER = /^%PDF-(1\.\d|2\.0)/;

interface Walker {
  readonly type: DetectedType;
  /** Consumes the next bytes of the file; throws the 422 as soon as the structure breaks. */
  push(chunk: Buffer): void;
  /** Called once the whole file went through `push`; throws unless the file ended where its structure ends. */
  end(): Promise<void>;
}

/**
 * Walks a file of fixed-size fields and variable-length bodies as it streams: `expect(n)` asks
 * for the next n bytes in one buffer (handed to `field`), `skip(n)` passes n bytes to `body`
 * without keeping them. Only the current field is ever held.
 */
abstract class FieldWalker {
  private field = Buffer.alloc(16);
  private want = 0;
  private got = 0;
  private skipping = 0;

  protected expect(bytes: number): void {
    this.want = bytes;
    this.got = 0;
  }

  protected skip(bytes: number): void {
    this.skipping = bytes;
  }

  protected abstract onField(field: Buffer): void;
  protected abstract onBody(bytes: Buffer): void;
  protected abstract onBodyEnd(): void;
  /** While true, bytes go unframed to `onRaw` (a JPEG scan, bytes after the end). */
  protected abstract get raw(): boolean;
  /** Returns how many of the bytes it consumed (all, or up to where framing resumes); or throws. */
  protected abstract onRaw(chunk: Buffer): number;

  push(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.raw) {
        at += this.onRaw(chunk.subarray(at));
      } else if (this.skipping > 0) {
        const n = Math.min(this.skipping, chunk.length - at);
        this.onBody(chunk.subarray(at, at + n));
        this.skipping -= n;
        at += n;
        if (this.skipping === 0) this.onBodyEnd();
      } else {
        const n = Math.min(this.want - this.got, chunk.length - at);
        chunk.copy(this.field, this.got, at, at + n);
        this.got += n;
        at += n;
        if (this.got === this.want) this.onField(this.field.subarray(0, this.want));
      }
    }
  }
}

/**
 * PNG: the signature, then chunks (length, type, data, CRC-32 over type and data) from IHDR to
 * IEND, each CRC verified; nothing may follow IEND.
 */
class PngWalker extends FieldWalker implements Walker {
  readonly type = 'image/png';
  private stage: 'signature' | 'header' | 'ihdr' | 'crc' | 'done' = 'signature';
  private chunkType = '';
  private crc = 0;
  private chunks = 0;
  private sawIdat = false;

  constructor() {
    super();
    this.expect(8);
  }

  protected get raw(): boolean {
    return this.stage === 'done';
  }

  protected onField(field: Buffer): void {
    switch (this.stage) {
      case 'signature':
        this.stage = 'header';
        this.expect(8);
        return;
      case 'header': {
        const length = field.readUInt32BE(0);
        this.chunkType = field.toString('latin1', 4, 8);
        if (!/^[A-Za-z]{4}$/.test(this.chunkType) || length > 0x7fffffff) throw ComplianceErrors.fileCorrupt('PNG', 'a chunk header is malformed');
        if ((this.chunks === 0) !== (this.chunkType === 'IHDR')) throw ComplianceErrors.fileCorrupt('PNG', 'IHDR must be the first chunk and only once');
        if (this.chunkType === 'IHDR' && length !== 13) throw ComplianceErrors.fileCorrupt('PNG', 'IHDR has the wrong length');
        if (this.chunkType === 'IEND' && length !== 0) throw ComplianceErrors.fileCorrupt('PNG', 'IEND has data');
        if (this.chunkType === 'IDAT') this.sawIdat = true;
        this.chunks++;
        this.crc = crc32(field.subarray(4, 8));
        if (this.chunkType === 'IHDR') {
          this.stage = 'ihdr';
          this.expect(13);
        } else {
          this.stage = 'crc';
          this.expect(4);
          if (length > 0) this.skip(length);
        }
        return;
      }
      case 'ihdr':
        if (field.readUInt32BE(0) === 0 || field.readUInt32BE(4) === 0) throw ComplianceErrors.fileCorrupt('PNG', 'the image has no pixels');
        this.crc = crc32(field, this.crc);
        this.stage = 'crc';
        this.expect(4);
        return;
      case 'crc':
        if (field.readUInt32BE(0) !== this.crc >>> 0) throw ComplianceErrors.fileCorrupt('PNG', `the CRC of a ${this.chunkType} chunk does not match`);
        if (this.chunkType === 'IEND') {
          if (!this.sawIdat) throw ComplianceErrors.fileCorrupt('PNG', 'it has no image data');
          this.stage = 'done';
        } else {
          this.stage = 'header';
          this.expect(8);
        }
        return;
      case 'done':
        return;
    }
  }

  protected onBody(bytes: Buffer): void {
    this.crc = crc32(bytes, this.crc);
  }

  protected onBodyEnd(): void {}

  protected onRaw(): number {
    throw ComplianceErrors.fileTrailingData('PNG', 'IEND');
  }

  end(): Promise<void> {
    if (this.stage !== 'done') return Promise.reject(ComplianceErrors.fileCorrupt('PNG', 'it ends before IEND'));
    return Promise.resolve();
  }
}

const isSof = (code: number): boolean => code >= 0xc0 && code <= 0xcf && code !== 0xc4 && code !== 0xc8 && code !== 0xcc;

/**
 * JPEG: SOI, then marker segments (each skipped by its length), entropy-coded scans after each
 * SOS (0xFF is followed by 0x00 stuffing, an RST marker, fill 0xFF, or the next marker), up to
 * EOI. After EOI only 0x00 bytes are tolerated (some encoders pad to a block size, and zeros
 * carry no content), or, when the first image has a Multi-Picture Format index (APP2 "MPF"),
 * further complete JPEG images; anything else is appended data and refused.
 */
class JpegWalker extends FieldWalker implements Walker {
  readonly type = 'image/jpeg';
  private stage: 'soi' | 'ff' | 'code' | 'length' | 'entropy' | 'done' = 'soi';
  private code = 0;
  private sawSof = false;
  private sawSos = false;
  private afterFF = false;
  /** The first image declared a Multi-Picture Format index (APP2 "MPF\0"): more images follow its EOI. */
  private multiPicture = false;
  private padded = false;
  private segmentHead = '';

  constructor() {
    super();
    this.expect(2);
  }

  protected get raw(): boolean {
    return this.stage === 'done' || this.stage === 'entropy';
  }

  protected onField(field: Buffer): void {
    switch (this.stage) {
      case 'soi':
        if (field[0] !== 0xff || field[1] !== 0xd8) throw ComplianceErrors.fileTrailingData('JPEG', 'the end-of-image marker');
        this.next('ff');
        return;
      case 'ff':
        if (field[0] !== 0xff) throw ComplianceErrors.fileCorrupt('JPEG', 'a marker is missing between segments');
        this.next('code');
        return;
      case 'code':
        // 0xFF here is a fill byte before the marker code.
        if (field[0] === 0xff) this.expect(1);
        else this.marker(field[0]);
        return;
      case 'length': {
        const length = field.readUInt16BE(0);
        if (length < 2) throw ComplianceErrors.fileCorrupt('JPEG', 'a segment length is invalid');
        if (length === 2) this.onBodyEnd();
        else this.skip(length - 2);
        return;
      }
      default:
        return;
    }
  }

  private next(stage: 'ff' | 'code'): void {
    this.stage = stage;
    this.expect(1);
  }

  private marker(code: number): void {
    if (code === 0xd9) {
      if (!this.sawSof || !this.sawSos) throw ComplianceErrors.fileCorrupt('JPEG', 'it has no image data');
      this.stage = 'done';
      return;
    }
    if (code === 0xd8 || code === 0x00) throw ComplianceErrors.fileCorrupt('JPEG', 'an unexpected marker');
    // RSTn and TEM stand alone, without a length.
    if ((code >= 0xd0 && code <= 0xd7) || code === 0x01) return this.next('ff');
    if (isSof(code)) this.sawSof = true;
    if (code === 0xda) {
      if (!this.sawSof) throw ComplianceErrors.fileCorrupt('JPEG', 'a scan comes before its frame header');
      this.sawSos = true;
    }
    this.code = code;
    this.segmentHead = '';
    this.stage = 'length';
    this.expect(2);
  }

  protected onBody(bytes: Buffer): void {
    if (this.code === 0xe2 && this.segmentHead.length < 4) this.segmentHead += bytes.toString('latin1', 0, 4 - this.segmentHead.length);
  }

  protected onBodyEnd(): void {
    if (this.code === 0xe2 && this.segmentHead === 'MPF\0') this.multiPicture = true;
    if (this.code === 0xda) {
      this.stage = 'entropy';
      this.afterFF = false;
    } else {
      this.next('ff');
    }
  }

  protected onRaw(chunk: Buffer): number {
    if (this.stage === 'done') {
      let zeros = 0;
      while (zeros < chunk.length && chunk[zeros] === 0x00) zeros++;
      this.padded ||= zeros > 0;
      if (zeros === chunk.length) return zeros;
      // Only the images a Multi-Picture index announces (phones' depth maps, Ultra HDR gain
      // maps) may follow EOI, each walked the same way; they start right after it.
      if (!this.multiPicture || this.padded) throw ComplianceErrors.fileTrailingData('JPEG', 'the end-of-image marker');
      this.stage = 'soi';
      this.sawSof = false;
      this.sawSos = false;
      this.expect(2);
      return 0;
    }
    // Entropy-coded data: only 0xFF bytes matter. Stops after the first real marker's code.
    let at = 0;
    while (at < chunk.length) {
      if (!this.afterFF) {
        const ff = chunk.indexOf(0xff, at);
        if (ff < 0) return chunk.length;
        this.afterFF = true;
        at = ff + 1;
        continue;
      }
      const byte = chunk[at++];
      if (byte === 0xff) continue;
      this.afterFF = false;
      if (byte === 0x00 || (byte >= 0xd0 && byte <= 0xd7)) continue;
      this.marker(byte);
      return at;
    }
    return at;
  }

  end(): Promise<void> {
    if (this.stage !== 'done') return Promise.reject(ComplianceErrors.fileCorrupt('JPEG', 'it ends before the end-of-image marker'));
    return Promise.resolve();
  }
}

/**
 * PDF: a PDF's structure is read from its end (startxref, cross-reference chain, trailer), so
 * the parser needs the whole file. The chunks are kept in memory only, bounded by
 * DOCUMENT_MAX_BYTES, for the one check at the end, and dropped with the inspector.
 */
class PdfWalker implements Walker {
  readonly type = 'application/pdf';
  private chunks: Buffer[] = [];

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
  }

  async end(): Promise<void> {
    const bytes = Buffer.concat(this.chunks);
    this.chunks = [];
    await checkPdf(bytes);
  }
}

function walkerFor(head: Buffer): Walker {
  if (head.subarray(0, 5).toString('latin1') === '%PDF-') {
    if (!PDF_HEADER.test(head.toString('latin1'))) throw ComplianceErrors.fileCorrupt('PDF', 'the version header is invalid');
    return new PdfWalker();
  }
  if (head.length >= 8 && head.subarray(0, 8).equals(PNG_SIGNATURE)) return new PngWalker();
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return new JpegWalker();
  throw ComplianceErrors.fileTypeUnsupported();
}

/**
 * Recognises PDF, JPEG and PNG from the bytes as they stream past (the client's Content-Type
 * and file name are never trusted) and walks the whole structure: PNG chunks with their CRCs to
 * IEND, JPEG segments and scans to EOI, and for PDF the cross-reference chain and trailers with
 * a PDF parser. Truncated, stitched or appended-to files and encrypted PDFs are refused, as
 * early in the stream as the structure allows.
 */
export class ContentInspector {
  private head = Buffer.alloc(0);
  private walker: Walker | null = null;

  update(chunk: Buffer): void {
    if (this.walker) return this.walker.push(chunk);
    this.head = Buffer.concat([this.head, chunk]);
    if (this.head.length < HEAD_BYTES) return;
    this.walker = walkerFor(this.head);
    this.walker.push(this.head);
    this.head = Buffer.alloc(0);
  }

  /** The detected type, or the 4xx that refuses the file. */
  async finish(): Promise<DetectedType> {
    if (!this.walker) {
      this.walker = walkerFor(this.head);
      this.walker.push(this.head);
    }
    await this.walker.end();
    return this.walker.type;
  }
}
