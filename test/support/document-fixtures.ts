import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { multipart, PNG_SIGNATURE, pngBytes } from './compliance-fixtures';

/**
 * Real files for the upload checks: PDFs made with qpdf and JPEGs made with cjpeg are committed
 * under test/fixtures (regenerate with test/support/make-document-fixtures.sh); the variants
 * an attacker or another producer would write are derived here, byte by byte.
 */
export function fixture(path: string): Buffer {
  return readFileSync(join(__dirname, '..', 'fixtures', path));
}

const num = (n: number): string => String(n).padStart(10, '0');

/** Rewrites the one `/Encrypt` key of an encrypted PDF's trailer as an escaped name (a legal spelling of the same key). */
export function escapeEncryptName(pdf: Buffer, spelling = '/Encr#79pt'): Buffer {
  const text = pdf.toString('latin1');
  const at = text.lastIndexOf('/Encrypt');
  if (at < 0 || text.indexOf('/Encrypt') !== at) throw new Error('expected exactly one /Encrypt');
  // The trailer (or the cross-reference stream's dictionary) follows every offset the
  // cross-reference data records, so growing it by a few bytes moves no object.
  return Buffer.concat([pdf.subarray(0, at), Buffer.from(spelling, 'latin1'), pdf.subarray(at + '/Encrypt'.length)]);
}

/**
 * Appends an incremental update, as an editor saving a change does: a new /Info object, a
 * cross-reference section for it (a table, or a cross-reference stream when `stream`), and a
 * trailer with /Prev pointing at the previous section. `dropKeys` leaves keys out of the new
 * trailer (an update that "forgets" /Encrypt, say).
 */
export function incrementalUpdate(pdf: Buffer, options: { stream?: boolean; dropKeys?: string[] } = {}): Buffer {
  const text = pdf.toString('latin1');
  const prev = Number(/startxref\s+(\d+)\s+%%EOF\s*$/.exec(text)![1]);
  const sizes = [...text.matchAll(/\/Size (\d+)/g)];
  const size = Number(sizes[sizes.length - 1][1]);
  const roots = [...text.matchAll(/\/Root (\d+ \d+ R)/g)];
  const root = roots[roots.length - 1][1];
  const encrypt = /\/Encrypt (\d+ \d+ R)/.exec(text);
  const extra = encrypt && !options.dropKeys?.includes('Encrypt') ? ` /Encrypt ${encrypt[1]}` : '';
  const base = text.endsWith('\n') ? pdf : Buffer.concat([pdf, Buffer.from('\n')]);
  const infoAt = base.length;
  const info = Buffer.from(`${size} 0 obj\n<< /Producer (DIDHub incremental update) >>\nendobj\n`, 'latin1');
  const xrefAt = infoAt + info.length;
  let section: string;
  if (options.stream) {
    const rows = Buffer.alloc(14);
    rows[0] = 1;
    rows.writeUInt32BE(infoAt, 1);
    rows[7] = 1;
    rows.writeUInt32BE(xrefAt, 8);
    const dict = `<< /Type /XRef /Size ${size + 2} /Index [${size} 2] /W [1 4 2] /Root ${root} /Info ${size} 0 R /Prev ${prev}${extra} /Length 14 >>`;
    section = `${size + 1} 0 obj\n${dict}\nstream\n${rows.toString('latin1')}\nendstream\nendobj\n`;
  } else {
    const trailer = `<< /Size ${size + 1} /Root ${root} /Info ${size} 0 R /Prev ${prev}${extra} >>`;
    section = `xref\n${size} 1\n${num(infoAt)} 00000 n \ntrailer\n${trailer}\n`;
  }
  return Buffer.concat([base, info, Buffer.from(`${section}startxref\n${xrefAt}\n%%EOF\n`, 'latin1')]);
}

/** Inserts an EXIF APP1 segment (big-endian TIFF header, one IFD with Make and Model) after SOI, as cameras write it. */
export function withExif(jpeg: Buffer): Buffer {
  const values = Buffer.from('DIDHub\0Scanner 9\0', 'latin1');
  const tiff = Buffer.alloc(8 + 2 + 2 * 12 + 4);
  tiff.write('MM', 0, 'latin1');
  tiff.writeUInt16BE(42, 2);
  tiff.writeUInt32BE(8, 4);
  tiff.writeUInt16BE(2, 8);
  const entry = (i: number, tag: number, count: number, offset: number) => {
    const at = 10 + i * 12;
    tiff.writeUInt16BE(tag, at);
    tiff.writeUInt16BE(2, at + 2);
    tiff.writeUInt32BE(count, at + 4);
    tiff.writeUInt32BE(offset, at + 8);
  };
  entry(0, 0x010f, 7, tiff.length);
  entry(1, 0x0110, 10, tiff.length + 7);
  const body = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff, values]);
  const head = Buffer.from([0xff, 0xe1, 0, 0]);
  head.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), head, body, jpeg.subarray(2)]);
}

/** A stored (uncompressed) ZIP holding one HTML file, its archive comment ending in FF D9 as a JPEG does. */
export function zipEndingLikeJpeg(): Buffer {
  const name = Buffer.from('index.html', 'latin1');
  const data = Buffer.from('<html><script>alert(document.domain)</script></html>', 'latin1');
  const crc = crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(10, 4);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(10, 6);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(name.length, 28);
  const comment = Buffer.from([0x20, 0xff, 0xd9]);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + name.length, 12);
  end.writeUInt32LE(local.length + name.length + data.length, 16);
  end.writeUInt16LE(comment.length, 20);
  return Buffer.concat([local, name, data, central, name, end, comment]);
}

export const HTML = Buffer.from('<html><body><script>fetch("/v1/account").then(r=>r.text()).then(alert)</script></body></html>\n', 'latin1');

/** A PNG with an HTML page spliced in between two chunks (after IHDR, before the data). */
export function pngWithHtmlBetweenChunks(): Buffer {
  const png = pngBytes(400);
  const afterIhdr = PNG_SIGNATURE.length + 25;
  return Buffer.concat([png.subarray(0, afterIhdr), HTML, png.subarray(afterIhdr)]);
}

/** A PNG whose first IDAT has one data byte flipped (its CRC no longer matches). */
export function pngWithBadCrc(): Buffer {
  const png = Buffer.from(pngBytes(400));
  const idat = png.indexOf('IDAT', 0, 'latin1');
  png[idat + 4] ^= 0x01;
  return png;
}

/**
 * Uploads `file` the way a slow or fragmenting client sends it: the multipart body goes out in
 * `piece`-byte writes, each after the previous one left, so the server sees many small chunks
 * and the file's structure is cut at arbitrary places.
 */
export async function uploadInPieces(url: string, apiKey: string, file: Buffer, piece: number): Promise<{ status: number; body: { content_type?: string; error?: { code: string; param?: string } } }> {
  const { body, contentType } = multipart([
    { name: 'type', value: 'passport' },
    { name: 'file', value: file, filename: 'scan.bin' },
  ]);
  return new Promise((resolve, reject) => {
    const req = (url.startsWith('https:') ? httpsRequest : httpRequest)(
      `${url}/v1/compliance/documents`,
      {
        method: 'POST',
        rejectUnauthorized: false,
        headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': contentType, 'Content-Length': body.length },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            resolve({ status: res.statusCode!, body: JSON.parse(text) });
          } catch {
            reject(new Error(`status ${res.statusCode}, not JSON: ${text.slice(0, 200)}`));
          }
        });
      },
    );
    req.on('error', reject);
    req.on('socket', (socket) => socket.setNoDelay(true));
    void (async () => {
      for (let at = 0; at < body.length && !req.destroyed; at += piece) {
        if (!req.write(body.subarray(at, at + piece))) await once(req, 'drain');
        await new Promise((r) => setImmediate(r));
      }
      req.end();
    })().catch(reject);
  });
}

/**
 * A phone-style multi-picture JPEG: an APP2 "MPF" index after SOI (as CIPA DC-007 writes it,
 * big-endian, one MP Entry per image) and the second image right after the first one's EOI.
 * `mpf: false` leaves the index out, so the second image is just appended data.
 */
export function multiPictureJpeg(primary: Buffer, secondary: Buffer, mpf = true): Buffer {
  const index = Buffer.alloc(4 + 8 + 2 + 12 * 2 + 4);
  index.write('MPF\0', 0, 'latin1');
  index.write('MM', 4, 'latin1');
  index.writeUInt16BE(42, 6);
  index.writeUInt32BE(8, 8);
  index.writeUInt16BE(2, 12);
  index.writeUInt16BE(0xb000, 14);
  index.writeUInt16BE(7, 16);
  index.writeUInt32BE(4, 18);
  index.write('0100', 22, 'latin1');
  index.writeUInt16BE(0xb001, 26);
  index.writeUInt16BE(4, 28);
  index.writeUInt32BE(1, 30);
  index.writeUInt32BE(2, 34);
  const head = Buffer.from([0xff, 0xe2, 0, 0]);
  head.writeUInt16BE(index.length + 2, 2);
  const first = mpf ? Buffer.concat([primary.subarray(0, 2), head, index, primary.subarray(2)]) : primary;
  return Buffer.concat([first, secondary]);
}
