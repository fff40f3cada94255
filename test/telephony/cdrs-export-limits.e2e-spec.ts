import { ExportSlots } from '../../src/telephony/cdrs/export-slots';
import { bearerClient, seedApiKey, seedUser } from '../support/seed';
import { insertBulkCdrs } from '../support/cdr-fixtures';
import { type StalledExport, startStalledExport } from '../support/server-process';
import { startTestApp, type TestApp, usingPostgres } from '../support/test-app';

const ROWS = 60_000;

describe('CSV exports cannot starve the service', () => {
  let t: TestApp;
  let port: number;
  const keys: string[] = [];
  let bystanderKey: string;
  const stalled: StalledExport[] = [];

  beforeAll(async () => {
    t = await startTestApp({
      env: { EXPORTS_PER_ACCOUNT: '5', EXPORT_POOL_SIZE: '10', DATABASE_POOL_SIZE: '10', EXPORT_IDLE_TIMEOUT_SECONDS: '15' },
    });
    port = Number(new URL(t.url).port);
    for (let i = 0; i < 2; i++) {
      const owner = await seedUser(t);
      await insertBulkCdrs(t, owner.accountId, ROWS);
      keys.push(await seedApiKey(t, owner.accountId, ['cdrs:read']));
    }
    const bystander = await seedUser(t);
    bystanderKey = await seedApiKey(t, bystander.accountId, ['*']);
  });
  afterAll(async () => {
    for (const s of stalled) s.socket.destroy();
    await t.close();
  });

  jest.setTimeout(120_000);

  it('ten stalled exports: other accounts are still answered within a second; a sixth export of one account is 429; stalled ones end after the idle timeout', async () => {
    for (let i = 0; i < 5; i++) stalled.push(await startStalledExport(port, keys[0]));
    const refused = await bearerClient(t, keys[0]).get('/v1/cdrs/export').expect(429);
    expect(refused.body.error).toMatchObject({ type: 'rate_limit_error', code: 'too_many_exports' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    for (let i = 0; i < 5; i++) stalled.push(await startStalledExport(port, keys[1]));
    for (const s of stalled) expect(Buffer.concat(s.received).toString('latin1')).toMatch(/^HTTP\/1\.1 200/);

    const bystander = bearerClient(t, bystanderKey);
    if (!usingPostgres()) {
      // Embedded: every query shares PGlite's one connection, so requests queue behind the
      // exports' batch queries until the exports have filled their sockets' buffers (several MB
      // each) and stopped. Wait for that (bounded); PostgreSQL needs no wait: COPY streams run
      // on the export pool, apart from the main pool.
      const settleBy = Date.now() + 30_000;
      for (;;) {
        const started = Date.now();
        await bystander.get('/v1/health/ready').expect(200);
        if (Date.now() - started < 200 || Date.now() > settleBy) break;
      }
    }
    for (const path of ['/v1/cdrs', '/v1/account', '/v1/health/ready']) {
      const started = Date.now();
      await bystander.get(path).expect(200);
      expect(Date.now() - started).toBeLessThan(1000);
    }

    // Nobody reads: after EXPORT_IDLE_TIMEOUT_SECONDS the server ends every stalled export.
    // (The client cannot tell: its paused socket never reads the close. The server's slots can.)
    const slots = t.app.get(ExportSlots);
    expect(slots.runningTotal).toBeGreaterThan(0);
    const deadline = Date.now() + 45_000;
    while (slots.runningTotal > 0) {
      if (Date.now() > deadline) throw new Error(`${slots.runningTotal} stalled exports still running`);
      await new Promise((r) => setTimeout(r, 200));
    }

    // Their slots and connections are back: a complete export of the same account works.
    const full = await bearerClient(t, keys[0]).get('/v1/cdrs/export').buffer(true).parse((res, done) => {
      let lines = 0;
      res.on('data', (c: Buffer) => {
        for (const byte of c) if (byte === 10) lines++;
      });
      res.on('end', () => done(null, lines));
    });
    expect(full.status).toBe(200);
    expect(full.body).toBe(ROWS + 1);
  });
});
