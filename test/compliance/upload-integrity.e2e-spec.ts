import { multipart, pdfBytes, pngBytes } from '../support/compliance-fixtures';
import { rawExchange, rawRequest } from '../support/raw-http';
import { seedApiKey, seedUser, type SeededUser } from '../support/seed';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Uploads cut short, lying about their length or refused part-way: each answers (or closes)
 * without taking the process down, and none leaves a document or chunk row behind.
 */
describe('Upload integrity: truncated, lying and refused multipart bodies', () => {
  let t: TestApp;
  let owner: SeededUser;
  let key: string;

  beforeAll(async () => {
    t = await startTestApp();
    owner = await seedUser(t, { apiKeysEnabled: true });
    key = await seedApiKey(t, owner.accountId, ['*']);
  });
  afterAll(() => t.close());

  const rows = async () => ({
    docs: await t.prisma.document.count({ where: { accountId: owner.accountId } }),
    chunks: await t.prisma.documentChunk.count({ where: { document: { accountId: owner.accountId } } }),
  });
  const headers = (boundary: string) => ({
    Authorization: `Bearer ${key}`,
    'Content-Type': `multipart/form-data; boundary=${boundary}`,
  });
  const alive = async () => {
    const res = await t.http().get('/v1/health').expect(200);
    expect(res.body.status).toBeDefined();
  };

  it('answers 400 malformed_multipart to the body from the report (file part never closed), 20 times in a row', async () => {
    const body = Buffer.from(
      '--B\r\nContent-Disposition: form-data; name="type"\r\n\r\npassport\r\n--B\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF-1.4\r\n',
      'latin1',
    );
    for (let i = 0; i < 20; i++) {
      const answer = await rawExchange(t.url, rawRequest('POST', '/v1/compliance/documents', headers('B'), body));
      expect(answer.status).toBe(400);
      expect(answer.text).toContain('"code":"malformed_multipart"');
      expect(answer.text).toMatch(/"request_id":"req_/);
    }
    await alive();
    expect(await rows()).toEqual({ docs: 0, chunks: 0 });
  });

  it('survives a Content-Length shorter than the body, cut at every offset through the parts', async () => {
    const { body, contentType } = multipart([
      { name: 'type', value: 'passport' },
      { name: 'file', filename: 'a.png', contentType: 'image/png', value: pngBytes(300) },
    ]);
    const boundary = contentType.split('boundary=')[1];
    // Every offset of the first 400 bytes (headers of each part), then every 37th to the end.
    const cuts = new Set<number>();
    for (let i = 1; i < Math.min(400, body.length); i++) cuts.add(i);
    for (let i = 400; i < body.length; i += 37) cuts.add(i);
    const answers = new Map<number | null, number>();
    const pending = [...cuts];
    // Eight at a time: concurrent cuts are what a flaky network produces.
    while (pending.length) {
      const batch = pending.splice(0, 8);
      const results = await Promise.all(
        batch.map((cut) => rawExchange(t.url, rawRequest('POST', '/v1/compliance/documents', headers(boundary), body, cut))),
      );
      for (const r of results) answers.set(r.status, (answers.get(r.status) ?? 0) + 1);
    }
    // A cut body is never accepted and never a server error.
    for (const status of answers.keys()) expect(status).not.toBeNull();
    expect([...answers.keys()].every((s) => s !== null && s >= 400 && s < 500)).toBe(true);
    await alive();
    expect(await rows()).toEqual({ docs: 0, chunks: 0 });
  });

  it('survives a client that promises more bytes than it sends and hangs up mid-file', async () => {
    const { body, contentType } = multipart([
      { name: 'type', value: 'passport' },
      { name: 'file', filename: 'a.pdf', contentType: 'application/pdf', value: pdfBytes(150_000) },
    ]);
    const boundary = contentType.split('boundary=')[1];
    const rounds = [];
    for (let i = 0; i < 12; i++) {
      const cut = 200 + Math.floor((body.length - 400) * (i / 12));
      const bytes = rawRequest('POST', '/v1/compliance/documents', headers(boundary), body.subarray(0, cut), body.length);
      rounds.push(rawExchange(t.url, bytes, { halfClose: true, timeoutMs: 3000 }));
    }
    const answers = await Promise.all(rounds);
    for (const a of answers) expect(a.status === null || (a.status >= 400 && a.status < 500)).toBe(true);
    await alive();
    // The clean-up runs when the server notices the hang-up; give it a moment.
    for (let i = 0; i < 50 && (await rows()).docs > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await rows()).toEqual({ docs: 0, chunks: 0 });
  });

  it('refuses a duplicate or unknown field before the file without starting an upload (10 requests, 0 rows)', async () => {
    for (let i = 0; i < 10; i++) {
      const parts =
        i % 2 === 0
          ? [{ name: 'type', value: 'passport' }, { name: 'type', value: 'passport' }]
          : [{ name: 'colour', value: 'blue' }];
      const { body, contentType } = multipart([...parts, { name: 'file', filename: 'a.png', contentType: 'image/png', value: pngBytes(100_000) }]);
      const res = await t
        .http()
        .post('/v1/compliance/documents')
        .set('Authorization', `Bearer ${key}`)
        .set('Content-Type', contentType)
        .send(body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('unknown_parameter');
    }
    expect(await rows()).toEqual({ docs: 0, chunks: 0 });
  });
});
