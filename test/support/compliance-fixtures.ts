import { randomBytes } from 'node:crypto';
import { seedApiKey, seedUser, type SeededUser } from './seed';
import type { TestApp, TestClient } from './test-app';
import { bearerClient } from './seed';

/** A marker that must never appear in the database, a dump or DATA_DIR outside ciphertext. */
export const PLAINTEXT_MARKER = 'DIDHUB-PLAINTEXT-MARKER-7f3a';

/** A small but structurally complete PDF, `padding` random bytes long in the middle. */
export function pdfBytes(padding = 1000, options: { encrypted?: boolean; truncated?: boolean } = {}): Buffer {
  const head = Buffer.from(`%PDF-1.7\n% ${PLAINTEXT_MARKER}\n1 0 obj\n<< /Type /Catalog >>\nstream\n`, 'latin1');
  const trailer = options.encrypted
    ? 'endstream\nendobj\ntrailer\n<< /Root 1 0 R /Encrypt 2 0 R >>\nstartxref\n9\n%%EOF\n'
    : 'endstream\nendobj\ntrailer\n<< /Root 1 0 R >>\nstartxref\n9\n%%EOF\n';
  const full = Buffer.concat([head, randomBytes(padding), Buffer.from(trailer, 'latin1')]);
  return options.truncated ? full.subarray(0, full.length - trailer.length) : full;
}

export function pngBytes(padding = 200): Buffer {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const ihdr = Buffer.alloc(25);
  ihdr.writeUInt32BE(13, 0);
  ihdr.write('IHDR', 4, 'latin1');
  ihdr.writeUInt32BE(16, 8);
  ihdr.writeUInt32BE(16, 12);
  ihdr[16] = 8;
  ihdr[17] = 2;
  const idat = Buffer.concat([Buffer.from([0, 0, 0, padding >> 8, padding & 0xff]), Buffer.from('IDAT'), randomBytes(padding), Buffer.alloc(4)]);
  const iend = Buffer.from([0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);
  return Buffer.concat([signature, ihdr, idat, iend]);
}

export function jpegBytes(padding = 200): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF\0', 'latin1'), randomBytes(padding), Buffer.from([0xff, 0xd9])]);
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
