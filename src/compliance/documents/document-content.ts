import { ComplianceErrors } from '../compliance-errors';

export type DetectedType = 'application/pdf' | 'image/jpeg' | 'image/png';

export const EXTENSIONS: Record<DetectedType, string> = {
  'application/pdf': 'pdf',
  'image/jpeg': 'jpg',
  'image/png': 'png',
};

const HEAD_BYTES = 64;
const TAIL_BYTES = 1024;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const PNG_IEND = Buffer.from([0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);
const ENCRYPT = Buffer.from('/Encrypt', 'latin1');

/**
 * Recognises PDF, JPEG and PNG from the bytes as they stream past, keeping only the first and
 * last bytes and a small overlap: the client's Content-Type and file name are never trusted.
 * Magic bytes say what a file claims to be; the structural check (PDF trailer, PNG IHDR/IEND,
 * JPEG SOI/EOI) refuses truncated or stitched files, and `/Encrypt` marks a protected PDF.
 */
export class ContentInspector {
  private head = Buffer.alloc(0);
  private tail = Buffer.alloc(0);
  private carry = Buffer.alloc(0);
  private sawEncrypt = false;

  update(chunk: Buffer): void {
    if (this.head.length < HEAD_BYTES) this.head = Buffer.concat([this.head, chunk.subarray(0, HEAD_BYTES - this.head.length)]);
    const joined = Buffer.concat([this.tail, chunk]);
    this.tail = joined.subarray(Math.max(0, joined.length - TAIL_BYTES));
    if (!this.sawEncrypt) {
      const window = Buffer.concat([this.carry, chunk]);
      if (window.includes(ENCRYPT)) this.sawEncrypt = true;
      this.carry = window.subarray(Math.max(0, window.length - (ENCRYPT.length - 1)));
    }
  }

  /** The detected type, or the 4xx that refuses the file. */
  finish(): DetectedType {
    const head = this.head;
    if (head.subarray(0, 5).toString('latin1') === '%PDF-') {
      const tail = this.tail.toString('latin1');
      if (!/^%PDF-[12]\.\d/.test(head.toString('latin1')) || !tail.includes('%%EOF') || !tail.includes('startxref')) {
        throw ComplianceErrors.fileCorrupt('PDF');
      }
      if (this.sawEncrypt) throw ComplianceErrors.pdfEncrypted();
      return 'application/pdf';
    }
    if (head.length >= 8 && head.subarray(0, 8).equals(PNG_SIGNATURE)) {
      const ihdr = head.length >= 24 && head.readUInt32BE(8) === 13 && head.subarray(12, 16).toString('latin1') === 'IHDR';
      const sized = ihdr && head.readUInt32BE(16) > 0 && head.readUInt32BE(20) > 0;
      const ended = this.tail.length >= PNG_IEND.length && this.tail.subarray(this.tail.length - PNG_IEND.length).equals(PNG_IEND);
      if (!sized || !ended) throw ComplianceErrors.fileCorrupt('PNG');
      return 'image/png';
    }
    if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) {
      // Some encoders pad after the end-of-image marker; tolerate zero bytes there and nothing else.
      let end = this.tail.length;
      while (end > 0 && this.tail[end - 1] === 0x00) end--;
      if (end < 2 || this.tail[end - 2] !== 0xff || this.tail[end - 1] !== 0xd9) throw ComplianceErrors.fileCorrupt('JPEG');
      return 'image/jpeg';
    }
    throw ComplianceErrors.fileTypeUnsupported();
  }
}
