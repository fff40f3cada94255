import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { newId } from '../../src/platform/ids/ids';
import { DocumentsService } from '../../src/compliance/documents/documents.service';
import { binary, INDIVIDUAL_DE, jpegBytes, PLAINTEXT_MARKER, pdfBytes, pngBytes, tenant, type Tenant, upload } from '../support/compliance-fixtures';
import {
  escapeEncryptName,
  fixture,
  HTML,
  incrementalUpdate,
  multiPictureJpeg,
  pngWithBadCrc,
  pngWithHtmlBetweenChunks,
  uploadInPieces,
  withExif,
  zipEndingLikeJpeg,
} from '../support/document-fixtures';
import { seedApiKey } from '../support/seed';
import { startTestApp, type TestApp } from '../support/test-app';

const MAX = 300_000;

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path));
    else out.push(path);
  }
  return out;
}

describe('Compliance documents', () => {
  let t: TestApp;
  let a: Tenant;

  beforeAll(async () => {
    t = await startTestApp({ env: { DOCUMENT_MAX_BYTES: String(MAX) } });
    a = await tenant(t);
  });
  afterAll(() => t.close());

  async function counts(): Promise<{ docs: number; chunks: number }> {
    return {
      docs: await t.prisma.document.count({ where: { accountId: a.user.accountId } }),
      chunks: await t.prisma.documentChunk.count({ where: { document: { accountId: a.user.accountId } } }),
    };
  }

  it('stores a multi-chunk PDF encrypted and downloads it byte-identical as an attachment', async () => {
    const file = pdfBytes(200_000);
    const res = await upload(a.client, file, { type: 'passport' }, { filename: 'erika-passport.png', contentType: 'image/png' }).expect(201);
    expect(res.body).toMatchObject({
      object: 'document',
      type: 'passport',
      content_type: 'application/pdf',
      size_bytes: file.length,
      sha256: createHash('sha256').update(file).digest('hex'),
      end_user_id: null,
    });
    expect(res.body.id).toMatch(/^doc_/);
    expect(JSON.stringify(res.body)).not.toContain('erika');

    const download = await a.client.get(`/v1/compliance/documents/${res.body.id}/content`).buffer(true).parse(binary).expect(200);
    expect(Buffer.compare(download.body as Buffer, file)).toBe(0);
    expect(download.headers['content-type']).toBe('application/pdf');
    expect(download.headers['content-disposition']).toBe(`attachment; filename="${res.body.id}.pdf"`);
    expect(download.headers['x-content-type-options']).toBe('nosniff');

    // At rest: several chunks, none holding plaintext, each bound to its position.
    const chunks = await t.prisma.$queryRaw<{ data: Uint8Array }[]>`SELECT data FROM document_chunks WHERE document_id = ${res.body.id}`;
    expect(chunks.length).toBe(Math.ceil(file.length / 65536));
    for (const c of chunks) {
      const bytes = Buffer.from(c.data);
      expect(bytes.includes(Buffer.from(PLAINTEXT_MARKER))).toBe(false);
      expect(bytes.includes(file.subarray(1000, 1032))).toBe(false);
    }
    // No plaintext file anywhere in DATA_DIR (the embedded database included: its pages hold ciphertext).
    for (const path of filesUnder(t.config.dataDir)) {
      expect(readFileSync(path).includes(Buffer.from(PLAINTEXT_MARKER))).toBe(false);
    }
  });

  it('recognises PNG and JPEG by content, whatever the client claims', async () => {
    const png = await upload(a.client, pngBytes(), { type: 'utility_bill' }, { filename: 'x.pdf', contentType: 'application/pdf' }).expect(201);
    expect(png.body.content_type).toBe('image/png');
    const jpeg = await upload(a.client, jpegBytes(), { type: 'id_card' }, { filename: 'x.exe', contentType: 'text/plain' }).expect(201);
    expect(jpeg.body.content_type).toBe('image/jpeg');
    const download = await a.client.get(`/v1/compliance/documents/${jpeg.body.id}/content`).expect(200);
    expect(download.headers['content-type']).toBe('image/jpeg');
    expect(download.headers['content-disposition']).toBe(`attachment; filename="${jpeg.body.id}.jpg"`);
  });

  it.each([
    ['HTML named .pdf', Buffer.from('<html><script>alert(1)</script></html>'), 415, 'file_type_unsupported'],
    ['a ZIP claiming to be a PNG', Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(100)]), 415, 'file_type_unsupported'],
    ['a truncated PDF', pdfBytes(500, { truncated: true }), 422, 'file_malformed'],
    ['a JPEG cut inside its scan', jpegBytes().subarray(0, 120), 422, 'file_malformed'],
    ['a password-protected PDF', pdfBytes(500, { encrypted: true }), 422, 'file_encrypted'],
    ['a PNG without IHDR', Buffer.concat([pngBytes().subarray(0, 8), Buffer.alloc(40)]), 422, 'file_malformed'],
    ['a JPEG without end-of-image', jpegBytes().subarray(0, 100), 422, 'file_malformed'],
    ['an empty file', Buffer.alloc(0), 400, 'file_empty'],
    ['a file one byte over the limit', pdfBytes(MAX + 1 - pdfBytes(0).length), 413, 'file_too_large'],
  ])('refuses %s and keeps nothing', async (_name, file, status, code) => {
    const before = await counts();
    const res = await upload(a.client, file as Buffer);
    expect(res.status).toBe(status);
    expect(res.body.error).toMatchObject({ code, param: 'file' });
    expect(await counts()).toEqual(before);
  });

  // Each file below passed the old checks (a byte search for /Encrypt, end markers in the last KiB).
  it.each([
    ['an AES-256 PDF (qpdf) whose /Encrypt is written /Encr#79pt', () => escapeEncryptName(fixture('pdf/aes256.pdf')), 'file_encrypted'],
    ['the same with the escape in lower case, /E#6ecrypt', () => escapeEncryptName(fixture('pdf/aes256.pdf'), '/E#6ecrypt'), 'file_encrypted'],
    [
      'an AES-256 PDF with a cross-reference stream whose dictionary says /Encr#79pt',
      () => escapeEncryptName(fixture('pdf/aes256-xref-stream.pdf')),
      'file_encrypted',
    ],
    [
      'an encrypted PDF whose last incremental update leaves /Encrypt out of its trailer',
      () => incrementalUpdate(fixture('pdf/aes256.pdf'), { dropKeys: ['Encrypt'] }),
      'file_encrypted',
    ],
    ['a JPEG with a ZIP appended whose comment ends in FF D9', () => Buffer.concat([jpegBytes(), zipEndingLikeJpeg()]), 'file_trailing_data'],
    ['a PDF header followed by an HTML body', () => Buffer.concat([Buffer.from('%PDF-1.4\n'), HTML]), 'file_malformed'],
    [
      'a PDF header, an HTML body and a forged trailer',
      () => Buffer.concat([Buffer.from('%PDF-1.4\n'), HTML, Buffer.from('trailer\n<< /Root 1 0 R >>\nstartxref\n9\n%%EOF\n')]),
      'file_malformed',
    ],
    ['a complete PDF with an HTML page after %%EOF', () => Buffer.concat([fixture('pdf/plain-1.4.pdf'), HTML]), 'file_trailing_data'],
    ['a PNG with HTML between its chunks', () => pngWithHtmlBetweenChunks(), 'file_malformed'],
    ['a PNG with HTML after IEND', () => Buffer.concat([pngBytes(), HTML]), 'file_trailing_data'],
    ['a PNG whose data does not match its CRC', () => pngWithBadCrc(), 'file_malformed'],
    ['a JPEG with HTML after the end-of-image marker', () => Buffer.concat([jpegBytes(), HTML]), 'file_trailing_data'],
    ['a JPEG with a second JPEG appended but no Multi-Picture index', () => multiPictureJpeg(jpegBytes(), jpegBytes(), false), 'file_trailing_data'],
    [
      'a Multi-Picture JPEG followed by a ZIP instead of an image',
      () => multiPictureJpeg(jpegBytes(), zipEndingLikeJpeg()),
      'file_trailing_data',
    ],
  ])('refuses %s with 422 and keeps nothing', async (_name, make, code) => {
    const before = await counts();
    const res = await upload(a.client, make());
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code, param: 'file' });
    expect(await counts()).toEqual(before);
  });

  it.each([
    ['an AES-256 PDF without a user password', 'pdf/aes256-no-user-password.pdf'],
    ['an AES-128 PDF', 'pdf/aes128.pdf'],
    ['an AES-256 PDF with a cross-reference stream', 'pdf/aes256-xref-stream.pdf'],
  ])('refuses %s made by qpdf as encrypted', async (_name, path) => {
    const res = await upload(a.client, fixture(path)).expect(422);
    expect(res.body.error).toMatchObject({ code: 'file_encrypted', param: 'file' });
  });

  it.each([
    ['a PDF 1.4 with a cross-reference table (qpdf)', () => fixture('pdf/plain-1.4.pdf'), 'application/pdf'],
    ['a PDF 1.7 with object streams and a cross-reference stream (qpdf)', () => fixture('pdf/xref-stream-1.7.pdf'), 'application/pdf'],
    ['a PDF 1.4 saved with an incremental update', () => incrementalUpdate(fixture('pdf/plain-1.4.pdf')), 'application/pdf'],
    [
      'a PDF 1.7 with two incremental updates in cross-reference streams',
      () => incrementalUpdate(incrementalUpdate(fixture('pdf/xref-stream-1.7.pdf'), { stream: true }), { stream: true }),
      'application/pdf',
    ],
    ['a PNG with several IDAT chunks spanning many upload chunks', () => pngBytes(250_000, 8192), 'image/png'],
    ['a baseline JPEG (cjpeg) with EXIF APP1 and restart markers', () => withExif(fixture('images/baseline-restart.jpg')), 'image/jpeg'],
    ['a progressive JPEG (cjpeg)', () => fixture('images/progressive.jpg'), 'image/jpeg'],
    ['a JPEG zero-padded after its end-of-image marker', () => Buffer.concat([jpegBytes(), Buffer.alloc(512)]), 'image/jpeg'],
    [
      'a phone-style Multi-Picture JPEG (MPF index, a second image after EOI)',
      () => multiPictureJpeg(withExif(fixture('images/baseline-restart.jpg')), fixture('images/progressive.jpg')),
      'image/jpeg',
    ],
  ])('accepts %s and returns it byte-identical', async (_name, make, contentType) => {
    const file = make();
    const res = await upload(a.client, file).expect(201);
    expect(res.body).toMatchObject({ content_type: contentType, size_bytes: file.length });
    const download = await a.client.get(`/v1/compliance/documents/${res.body.id}/content`).buffer(true).parse(binary).expect(200);
    expect(Buffer.compare(download.body as Buffer, file)).toBe(0);
  });

  it('reaches the same verdicts when the file arrives a few bytes at a time', async () => {
    const key = await seedApiKey(t, a.user.accountId);
    const cases: [Buffer, number, string][] = [
      [withExif(fixture('images/baseline-restart.jpg')), 201, 'image/jpeg'],
      [fixture('images/progressive.jpg'), 201, 'image/jpeg'],
      [pngBytes(6000, 1000), 201, 'image/png'],
      [incrementalUpdate(fixture('pdf/xref-stream-1.7.pdf'), { stream: true }), 201, 'application/pdf'],
      [Buffer.concat([jpegBytes(), zipEndingLikeJpeg()]), 422, 'file_trailing_data'],
      [pngWithHtmlBetweenChunks(), 422, 'file_malformed'],
      [pngWithBadCrc(), 422, 'file_malformed'],
      [escapeEncryptName(fixture('pdf/aes256.pdf')), 422, 'file_encrypted'],
    ];
    for (const piece of [1, 7]) {
      for (const [file, status, expected] of cases) {
        const res = await uploadInPieces(t.url, key, file, piece);
        expect([piece, res.status, status === 201 ? res.body.content_type : res.body.error?.code]).toEqual([piece, status, expected]);
      }
    }
  }, 120_000);

  it('accepts a file of exactly the limit', async () => {
    const file = pdfBytes(MAX - pdfBytes(0).length);
    expect(file.length).toBe(MAX);
    const res = await upload(a.client, file).expect(201);
    expect(res.body.size_bytes).toBe(MAX);
  });

  it('refuses a body far over the limit from its Content-Length alone', async () => {
    const res = await upload(a.client, Buffer.alloc(MAX * 2, 0x41));
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('file_too_large');
  });

  it('names the bad field: missing type, unknown type, unknown part, JSON instead of multipart', async () => {
    const missing = await upload(a.client, pdfBytes(), {}).expect(400);
    expect(missing.body.error).toMatchObject({ param: 'type' });
    const bad = await upload(a.client, pdfBytes(), { type: 'selfie' }).expect(400);
    expect(bad.body.error).toMatchObject({ param: 'type' });
    const unknown = await upload(a.client, pdfBytes(), { type: 'passport', colour: 'red' }).expect(400);
    expect(unknown.body.error).toMatchObject({ code: 'unknown_parameter', param: 'colour' });
    const json = await a.client.post('/v1/compliance/documents').send({ type: 'passport' }).expect(415);
    expect(json.body.error.code).toBe('unsupported_media_type');
    const foreignEndUser = await upload(a.client, pdfBytes(), { type: 'passport', end_user_id: 'eu_0000000000000000000000' }).expect(404);
    expect(foreignEndUser.body.error).toMatchObject({ param: 'end_user_id' });
    expect(foreignEndUser.body.error).toMatchObject({ param: 'end_user_id' });
  });

  it('files a document under an end-user and filters by it', async () => {
    const eu = await a.client.post('/v1/compliance/end-users').send(INDIVIDUAL_DE).expect(201);
    const doc = await upload(a.client, pdfBytes(), { type: 'passport', end_user_id: eu.body.id }).expect(201);
    expect(doc.body.end_user_id).toBe(eu.body.id);
    const list = await a.client.get(`/v1/compliance/documents?end_user_id=${eu.body.id}`).expect(200);
    expect(list.body.data.map((d: { id: string }) => d.id)).toEqual([doc.body.id]);
    await a.client.get(`/v1/compliance/documents/${doc.body.id}`).expect(200);
  });

  it('idempotent upload: the same raw bytes replay the first document; other bytes under the key are refused', async () => {
    const file = pdfBytes(3000);
    const key = `upload-${Date.now()}`;
    const first = await upload(a.client, file, { type: 'passport' }, { idempotencyKey: key }).expect(201);
    const before = await counts();
    const again = await upload(a.client, file, { type: 'passport' }, { idempotencyKey: key }).expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    expect(await counts()).toEqual(before);
    const other = await upload(a.client, pdfBytes(3000), { type: 'passport' }, { idempotencyKey: key }).expect(422);
    expect(other.body.error.code).toBe('idempotency_key_reused');
    expect(await counts()).toEqual(before);
    // The record holds the response metadata only, never file bytes.
    const rec = await t.prisma.idempotencyRecord.findFirst({ where: { accountId: a.user.accountId, key } });
    expect(Buffer.from(rec!.responseEnc!).toString('latin1')).not.toContain(PLAINTEXT_MARKER);
  });

  it('the retention job can purge uploads an instance left unfinished', async () => {
    const id = newId('document');
    await t.prisma.document.create({ data: { id, accountId: a.user.accountId, status: 'uploading', createdAt: new Date(Date.now() - 2 * 3600_000) } });
    await t.prisma.documentChunk.create({ data: { id: `${id}.0`, documentId: id, seq: 0, data: new Uint8Array([1, 2, 3]) } });
    await a.client.get(`/v1/compliance/documents/${id}`).expect(404);
    expect(await t.app.get(DocumentsService).purgeStaleUploads(new Date(Date.now() - 3600_000))).toBeGreaterThanOrEqual(1);
    expect(await t.prisma.document.count({ where: { id } })).toBe(0);
    expect(await t.prisma.documentChunk.count({ where: { documentId: id } })).toBe(0);
  });

  it('deletes a document with its binary', async () => {
    const doc = await upload(a.client, pdfBytes()).expect(201);
    await a.client.delete(`/v1/compliance/documents/${doc.body.id}`).expect(204);
    await a.client.get(`/v1/compliance/documents/${doc.body.id}`).expect(404);
    await a.client.get(`/v1/compliance/documents/${doc.body.id}/content`).expect(404);
    expect(await t.prisma.documentChunk.count({ where: { documentId: doc.body.id } })).toBe(0);
  });
});
