import { randomBytes } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';
import { seedApiKey, seedUser, type SeededUser } from './seed';
import type { TestApp, TestClient } from './test-app';
import { bearerClient } from './seed';

/** A marker that must never appear in the database, a dump or DATA_DIR outside ciphertext. */
export const PLAINTEXT_MARKER = 'DIDHUB-PLAINTEXT-MARKER-7f3a';

/** A fixed-width PDF integer (leading zeros are legal), so a fixture's size is linear in its padding. */
const num = (n: number): string => String(n).padStart(10, '0');

/**
 * A small, complete PDF (catalog, page tree, one blank page) with a stream of `padding`
 * random bytes, with a cross-reference table that matches its objects: what pdf-lib, qpdf and
 * viewers all open. `encrypted` adds /Encrypt to the trailer; `truncated` cuts the file before
 * its cross-reference table.
 */
export function pdfBytes(padding = 1000, options: { encrypted?: boolean; truncated?: boolean } = {}): Buffer {
  const objects = [
    // The random padding is a stream the catalog names under a private key, not page content.
    '<< /Type /Catalog /Pages 2 0 R /DIDHubPadding 4 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>',
  ];
  const parts: Buffer[] = [Buffer.from(`%PDF-1.7\n% ${PLAINTEXT_MARKER}\n`, 'latin1')];
  const offsets: number[] = [];
  let size = parts[0].length;
  const add = (bytes: Buffer) => {
    parts.push(bytes);
    size += bytes.length;
  };
  objects.forEach((body, i) => {
    offsets.push(size);
    add(Buffer.from(`${i + 1} 0 obj\n${body}\nendobj\n`, 'latin1'));
  });
  offsets.push(size);
  add(Buffer.from(`4 0 obj\n<< /Length ${num(padding)} >>\nstream\n`, 'latin1'));
  add(randomBytes(padding));
  add(Buffer.from('\nendstream\nendobj\n', 'latin1'));
  const body = Buffer.concat(parts);
  if (options.truncated) return body;
  const entries = offsets.map((o) => `${num(o)} 00000 n \n`).join('');
  const encrypt = options.encrypted ? ' /Encrypt 5 0 R' : '';
  const trailer = `xref\n0 5\n0000000000 65535 f \n${entries}trailer\n<< /Size 5 /Root 1 0 R${encrypt} >>\nstartxref\n${num(size)}\n%%EOF\n`;
  return Buffer.concat([body, Buffer.from(trailer, 'latin1')]);
}

/** One PNG chunk: length, type, data and the CRC-32 over type and data. */
export function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * A real RGB PNG of noise, about `padding` bytes of compressed data, split into IDAT chunks of
 * `idatBytes` as libpng does (8 KiB by default), with a tEXt chunk between header and data.
 */
export function pngBytes(padding = 200, idatBytes = 8192): Buffer {
  const width = 16;
  const rowBytes = 1 + width * 3;
  const height = Math.max(1, Math.ceil(padding / rowBytes));
  const raw = Buffer.alloc(height * rowBytes);
  for (let y = 0; y < height; y++) randomBytes(width * 3).copy(raw, y * rowBytes + 1);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const data = deflateSync(raw);
  const idats: Buffer[] = [];
  for (let at = 0; at < data.length; at += idatBytes) idats.push(pngChunk('IDAT', data.subarray(at, at + idatBytes)));
  return Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', ihdr), pngChunk('tEXt', Buffer.from('Software\0didhub-tests', 'latin1')), ...idats, pngChunk('IEND', Buffer.alloc(0))]);
}

function segment(marker: number, body: Buffer): Buffer {
  const head = Buffer.from([0xff, marker, 0, 0]);
  head.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([head, body]);
}

/**
 * A structurally complete baseline JPEG (SOI, APP0 JFIF, DQT, SOF0, DHT, SOS, `padding` bytes
 * of entropy-coded data with 0xFF stuffed and an RST marker, EOI). Not a decodable picture: the
 * upload check walks structure, it does not decode pixels.
 */
export function jpegBytes(padding = 200): Buffer {
  const scan = Buffer.from(Array.from(randomBytes(padding), (b) => (b === 0xff ? 0xfe : b)));
  const half = scan.length >> 1;
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    segment(0xe0, Buffer.from([0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00])),
    segment(0xdb, Buffer.concat([Buffer.from([0x00]), Buffer.alloc(64, 1)])),
    segment(0xc0, Buffer.from([0x08, 0x00, 0x10, 0x00, 0x10, 0x01, 0x01, 0x11, 0x00])),
    segment(0xc4, Buffer.concat([Buffer.from([0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), Buffer.from([0x00])])),
    segment(0xdd, Buffer.from([0x00, 0x04])),
    segment(0xda, Buffer.from([0x01, 0x01, 0x00, 0x00, 0x3f, 0x00])),
    scan.subarray(0, half),
    Buffer.from([0xff, 0x00, 0xff, 0xd0]),
    scan.subarray(half),
    Buffer.from([0xff, 0xd9]),
  ]);
}

export interface Part {
  name: string;
  value: string | Buffer;
  filename?: string;
  contentType?: string;
}

/** A multipart/form-data body with a fixed boundary, so the same parts give the same bytes. */
export function multipart(parts: Part[], boundary = 'didhubTestBoundary7MA4YWxkTrZu0gW'): { body: Buffer; contentType: string } {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disposition = p.filename !== undefined ? `form-data; name="${p.name}"; filename="${p.filename}"` : `form-data; name="${p.name}"`;
    const type = p.filename !== undefined ? `\r\nContent-Type: ${p.contentType ?? 'application/octet-stream'}` : '';
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}${type}\r\n\r\n`, 'latin1'));
    chunks.push(Buffer.isBuffer(p.value) ? p.value : Buffer.from(p.value, 'utf8'));
    chunks.push(Buffer.from('\r\n', 'latin1'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`, 'latin1'));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** Uploads a document through the real endpoint. */
export function upload(
  client: TestClient,
  file: Buffer,
  fields: Record<string, string> = { type: 'passport' },
  options: { filename?: string; contentType?: string; idempotencyKey?: string } = {},
) {
  const parts: Part[] = Object.entries(fields).map(([name, value]) => ({ name, value }));
  parts.push({ name: 'file', value: file, filename: options.filename ?? 'scan.pdf', contentType: options.contentType ?? 'application/pdf' });
  const { body, contentType } = multipart(parts);
  let req = client.post('/v1/compliance/documents').set('Content-Type', contentType);
  if (options.idempotencyKey) req = req.set('Idempotency-Key', options.idempotencyKey);
  return req.send(body);
}

/** Binary response body as a Buffer (supertest leaves unknown types unparsed otherwise). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function binary(res: any, cb: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
}

export const INDIVIDUAL_DE = {
  type: 'individual',
  first_name: 'Erika',
  last_name: 'Mustermann',
  date_of_birth: '1964-08-12',
  document_type: 'passport',
  document_number: 'C01X00T47',
  address: { street: 'Heidestraße 17', city: 'Köln', postal_code: '51147', country: 'DE' },
};

export const BUSINESS_DE = {
  type: 'business',
  business_name: 'Muster GmbH',
  registration_number: 'HRB 987654',
  address: { street: 'Friedrichstraße 43', city: 'Berlin', postal_code: '10117', country: 'DE' },
};

export interface Tenant {
  user: SeededUser;
  client: TestClient;
}

/** An owner whose account may use API keys, with a bearer client holding `scopes`. */
export async function tenant(t: TestApp, scopes: string[] = ['*']): Promise<Tenant> {
  const user = await seedUser(t, { apiKeysEnabled: true });
  const key = await seedApiKey(t, user.accountId, scopes);
  return { user, client: bearerClient(t, key) };
}

/** An end-user, a passport document and a bundle for DE local, approved through the operator API. */
export async function approvedBundle(t: TestApp, client: TestClient, adminToken: string, endUser: object = INDIVIDUAL_DE) {
  const eu = await client.post('/v1/compliance/end-users').send(endUser).expect(201);
  const docType = (endUser as { type: string }).type === 'business' ? 'business_registration' : 'passport';
  const doc = await upload(client, pdfBytes(), { type: docType, end_user_id: eu.body.id }).expect(201);
  const bundle = await client
    .post('/v1/compliance/bundles')
    .send({ end_user_id: eu.body.id, document_ids: [doc.body.id], country: 'DE', number_type: 'local' })
    .expect(201);
  await client.post(`/v1/compliance/bundles/${bundle.body.id}/submit`).expect(200);
  await t.http().post(`/v1/admin/bundles/${bundle.body.id}/approve`).set('Authorization', `Bearer ${adminToken}`).send({}).expect(200);
  return { endUserId: eu.body.id as string, documentId: doc.body.id as string, bundleId: bundle.body.id as string };
}
