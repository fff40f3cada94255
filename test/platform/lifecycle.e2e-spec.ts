import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Lifecycle } from '../../src/platform/lifecycle/lifecycle';
import { seedApiKey, seedUser, uniqueEmail } from '../support/seed';
import { insertBulkCdrs } from '../support/cdr-fixtures';
import { type ServerProcess, serverEnv, startServerProcess, startStalledExport, tlsSocket, withServerDatabase } from '../support/server-process';
import { startTestApp, type TestApp } from '../support/test-app';

function post(port: number, path: string, body: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = httpsRequest(
      { host: '127.0.0.1', port, path, method: 'POST', rejectUnauthorized: false, agent: false, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.once('error', reject);
    req.end(payload);
  });
}

const GRACE_SECONDS = 10;

describe('SIGTERM with requests in flight', () => {
  let dataDir: string;
  let server: ServerProcess;
  let apiKey: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'didhub-lifecycle-'));
    // Bcrypt cost 12 keeps each sign-up busy for most of a second: long enough to be in flight.
    const env = serverEnv(dataDir, { SHUTDOWN_GRACE_SECONDS: String(GRACE_SECONDS), BCRYPT_COST: '12' });
    apiKey = await withServerDatabase(dataDir, env, async (seed) => {
      const owner = await seedUser(seed);
      // About 10 MB of CSV: far more than socket buffers hold for a reader that stops.
      await insertBulkCdrs(seed, owner.accountId, 60_000);
      return seedApiKey(seed, owner.accountId, ['cdrs:read']);
    });
    server = await startServerProcess(env);
  });

  afterAll(async () => {
    if (server.child.exitCode === null) server.child.kill('SIGKILL');
    await server.exited;
    rmSync(dataDir, { recursive: true, force: true });
  });

  jest.setTimeout(150_000);

  it('finishes in-flight requests (closing their connections), refuses new connections, cuts a stalled export at the deadline and exits 0', async () => {
    const stalled = await startStalledExport(server.port, apiKey);

    const signups = [1, 2, 3].map(() =>
      post(server.port, '/v1/auth/signup', { email: uniqueEmail('drain'), password: 'a sturdy passphrase 42', name: 'D', account_name: 'D' }),
    );
    // A sign-up followed on the same connection by a readiness probe (pipelined): the probe
    // comes after the signal, and is never served: the connection closes after the sign-up.
    const pipelined = await tlsSocket(server.port);
    const pipelinedText: string[] = [];
    const pipelinedClosed = new Promise<void>((resolve) => pipelined.once('close', () => resolve()));
    pipelined.on('data', (c: Buffer) => pipelinedText.push(c.toString('utf8')));
    const body = JSON.stringify({ email: uniqueEmail('drain'), password: 'a sturdy passphrase 42', name: 'D', account_name: 'D' });
    pipelined.write(
      `POST /v1/auth/signup HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}` +
        'GET /v1/health/ready HTTP/1.1\r\nHost: localhost\r\n\r\n',
    );
    // Let the requests reach the server (they then spend about a second hashing).
    await new Promise((r) => setTimeout(r, 300));

    const signalledAt = Date.now();
    server.child.kill('SIGTERM');
    await server.waitForLine(/shutdown: draining/);

    await expect(tlsSocket(server.port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    const answers = await Promise.all(signups);
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202]);

    await pipelinedClosed;
    const exchange = pipelinedText.join('');
    expect(exchange).toMatch(/^HTTP\/1\.1 202/);
    expect(exchange).toMatch(/^connection: close/im);
    expect(exchange.match(/HTTP\/1\.1 /g)).toHaveLength(1);

    expect(await server.exited).toBe(0);
    const elapsed = Date.now() - signalledAt;
    expect(elapsed).toBeLessThan((GRACE_SECONDS + 3) * 1000);

    // The export was cut at the deadline: no terminating chunk, so it cannot pass for complete.
    // Read what the kernel still buffers for the paused reader: a paused socket reports its
    // close only once that is consumed.
    stalled.socket.on('data', (chunk: Buffer) => stalled.received.push(chunk));
    stalled.socket.resume();
    await stalled.closed;
    const received = Buffer.concat(stalled.received).toString('latin1');
    expect(received).toMatch(/^HTTP\/1\.1 200/);
    expect(received.endsWith('\r\n0\r\n\r\n')).toBe(false);

    const phases = server.lines.filter((l) => l.includes('"msg":"shutdown:'));
    expect(phases.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual([
      'shutdown: draining; new connections refused, readiness 503',
      'shutdown: grace period over; remaining connections closed',
      'shutdown: redis and database closed; exiting',
    ]);
  });
});

describe('draining state', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('turns readiness and every new request into 503 service_unavailable with Retry-After and Connection: close', async () => {
    await t.http().get('/v1/health/ready').expect(200);
    t.app.get(Lifecycle).startDraining();
    for (const path of ['/v1/health/ready', '/v1/auth/me']) {
      const res = await t.http().get(path).expect(503);
      expect(res.body.error).toMatchObject({ type: 'api_error', code: 'service_unavailable' });
      expect(res.body.error.request_id).toMatch(/^req_/);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      expect(res.headers.connection).toBe('close');
    }
  });
});
