import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { loadConfig } from '../../src/platform/config/config';
import { MetricsServer } from '../../src/platform/metrics/metrics-server';
import { seedApiKey, seedUser, uniqueEmail } from '../support/seed';
import { serverEnv, startServerProcess } from '../support/server-process';
import { startTestApp, TEST_ADMIN_TOKEN, type TestApp } from '../support/test-app';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');

/** The HEALTHCHECK command of the Dockerfile, exactly as Docker runs it (`CMD` form: through `/bin/sh -c`). */
function dockerHealthcheck(): string {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
  const line = dockerfile.split('\n').find((l) => l.startsWith('HEALTHCHECK '));
  const command = /\sCMD\s+(.*)$/.exec(line ?? '')?.[1];
  if (!command) throw new Error('the Dockerfile has no HEALTHCHECK CMD');
  return command.trim();
}

async function healthcheckExitCode(env: Record<string, string>): Promise<number> {
  try {
    await run('/bin/sh', ['-c', dockerHealthcheck()], { env: { PATH: process.env.PATH, ...env }, timeout: 10_000 });
    return 0;
  } catch (error) {
    return (error as { code?: number }).code ?? -1;
  }
}

const portOf = (t: TestApp): string => new URL(t.url).port;

describe('the image health check behind a TLS-terminating proxy', () => {
  let t: TestApp;
  beforeAll(async () => {
    // As in .env.example: the proxy's network, which the container's own loopback is not part of.
    t = await startTestApp({ env: { TRUST_PROXY: '10.0.0.0/8' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('passes: the HEALTHCHECK command gets 200 from liveness over plain HTTP on loopback', async () => {
    expect(await healthcheckExitCode({ PORT: portOf(t), TRUST_PROXY: '10.0.0.0/8' })).toBe(0);
  });

  it('fails when nothing answers on the port (the check can fail)', async () => {
    const closed = await new Promise<number>((resolve) => {
      const probe: Server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    expect(await healthcheckExitCode({ PORT: String(closed), TRUST_PROXY: '10.0.0.0/8' })).toBe(1);
  });

  it('answers liveness and readiness to a loopback probe without TLS, and nothing else', async () => {
    await t.http().get('/v1/health').expect(200, { status: 'ok' });
    const ready = await t.http().get('/v1/health/ready').expect(200);
    expect(ready.body).toEqual({ status: 'ready', database: 'ok', redis: 'not_configured', mail: 'file' });
    for (const path of ['/v1/account', '/.well-known/security.txt', '/docs-json', '/v1/health/../account']) {
      const refused = await t.http().get(path).expect(403);
      expect(refused.body.error.code).toBe('https_required');
    }
    const post = await t.http().post('/v1/health').send({}).expect(403);
    expect(post.body.error.code).toBe('https_required');
  });
});

describe('the image health check with its own TLS certificate', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('passes over HTTPS with the self-signed development certificate', async () => {
    expect(await healthcheckExitCode({ PORT: portOf(t) })).toBe(0);
  });
});

describe('readiness reports Redis and the mail transport', () => {
  it('says degraded (still 200: rate limits fall back to per-instance counters) when Redis is unreachable', async () => {
    const lines: string[] = [];
    const t = await startTestApp({ env: { REDIS_URL: 'redis://127.0.0.1:1', LOG_LEVEL: 'info' }, captureLogs: lines });
    try {
      const ready = await t.http().get('/v1/health/ready').expect(200);
      expect(ready.body).toMatchObject({ status: 'degraded', database: 'ok', redis: 'degraded' });
      // The error log keeps the error's code (it was blanked as "[redacted]").
      const redisLine = lines.map((l) => JSON.parse(l)).find((e) => /redis/i.test(e.msg) && e.err);
      expect(redisLine).toMatchObject({ level: 'error', err: { code: 'ECONNREFUSED', message: expect.stringContaining('ECONNREFUSED') } });
    } finally {
      await t.close();
    }
  });

  it('says ok when Redis answers, and names the SMTP transport', async () => {
    const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
    const t = await startTestApp({ env: { REDIS_URL: redisUrl, SMTP_URL: 'smtp://127.0.0.1:1' } });
    try {
      const ready = await t.http().get('/v1/health/ready').expect(200);
      expect(ready.body).toEqual({ status: 'ready', database: 'ok', redis: 'ok', mail: 'smtp' });
    } finally {
      await t.close();
    }
  });
});

describe('start-up failures say what to fix', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'didhub-startup-'));
  });
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  const production = {
    NODE_ENV: 'production',
    TRUST_PROXY: '10.0.0.0/8',
    DATABASE_URL: 'postgres://didhub:s3cret-pw@127.0.0.1:1/didhub',
    SMTP_URL: 'smtp://127.0.0.1:1',
  };

  it('production without SMTP_URL refuses to start instead of writing mail into files', async () => {
    const env = serverEnv(dataDir, { ...production, SMTP_URL: '' });
    await expect(startServerProcess(env)).rejects.toThrow(/configuration error: production requires SMTP_URL \(or MAIL_TRANSPORT=file/);
  });

  // The same path to the same one line as above (main.ts prints every ConfigError), checked without a process each.
  it('production on the embedded database refuses without ALLOW_EMBEDDED_DATABASE, and starts with it', () => {
    const env = serverEnv(dataDir, { ...production, DATABASE_URL: '' });
    expect(() => loadConfig(env)).toThrow('production requires DATABASE_URL (or ALLOW_EMBEDDED_DATABASE=true for the single-process embedded database)');
    expect(loadConfig({ ...env, ALLOW_EMBEDDED_DATABASE: 'true' }).databaseUrl).toBeNull();
    expect(loadConfig({ ...env, SMTP_URL: '', MAIL_TRANSPORT: 'file', ALLOW_EMBEDDED_DATABASE: 'true' }).mailTransport).toBe('file');
  });

  it('production refuses WEBHOOK_ALLOW_PRIVATE (webhooks to private addresses are for development and tests)', () => {
    const env = serverEnv(dataDir, production);
    expect(loadConfig(env).webhooks.allowPrivate).toBe(false);
    expect(() => loadConfig({ ...env, WEBHOOK_ALLOW_PRIVATE: 'true' })).toThrow(
      'WEBHOOK_ALLOW_PRIVATE=true is for development and tests; production never delivers to private, loopback or link-local addresses',
    );
    expect(loadConfig(serverEnv(dataDir, { WEBHOOK_ALLOW_PRIVATE: 'true' })).webhooks.allowPrivate).toBe(true);
  });

  it('LOG_LEVEL=verbose names the variable and the allowed values', () => {
    expect(() => loadConfig(serverEnv(dataDir, { LOG_LEVEL: 'verbose' }))).toThrow(
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "verbose"',
    );
  });

  it('PostgreSQL unreachable: retries with backoff, then one line naming DATABASE_URL and never its password', async () => {
    const env = serverEnv(dataDir, { DATABASE_URL: production.DATABASE_URL, DATABASE_CONNECT_TIMEOUT_SECONDS: '2' });
    const failure = await startServerProcess(env).then(
      () => null,
      (error: Error) => error.message,
    );
    expect(failure).toMatch(/didhub-api failed to start: PostgreSQL at DATABASE_URL \(127\.0\.0\.1:1\/didhub\) did not answer within 2 s \(ECONNREFUSED\)/);
    expect(failure).toMatch(/not reachable yet \(ECONNREFUSED\); retrying in 500 ms/);
    expect(failure).not.toContain('s3cret-pw');
  });

  it('a busy port fails at once with one line, before the database is opened', async () => {
    const busy: Server = await new Promise((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => resolve(server));
    });
    const { port } = busy.address() as { port: number };
    try {
      // An unreachable database would take its whole timeout: failing first proves the port is checked before it.
      const env = serverEnv(dataDir, { PORT: String(port), DATABASE_URL: production.DATABASE_URL, DATABASE_CONNECT_TIMEOUT_SECONDS: '60' });
      const started = Date.now();
      await expect(startServerProcess(env)).rejects.toThrow(
        `didhub-api failed to start: PORT ${port} on 127.0.0.1 is already in use; stop the other process or set PORT to a free port`,
      );
      expect(Date.now() - started).toBeLessThan(30_000);
    } finally {
      await new Promise((resolve) => busy.close(resolve));
    }
  });
});

describe('mail files are purged by the retention job', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('deletes .eml files older than 7 days and keeps newer ones; a dry run counts without deleting', async () => {
    await t.http().post('/v1/auth/signup').send({ email: uniqueEmail('old-mail'), password: 'a rather long passphrase 9', name: 'Old', account_name: 'Old Ltd' }).expect(202);
    const [old] = readdirSync(t.config.mailDir);
    const eightDaysAgo = new Date(Date.now() - 8 * 86_400_000);
    utimesSync(join(t.config.mailDir, old), eightDaysAgo, eightDaysAgo);
    await t.http().post('/v1/auth/signup').send({ email: uniqueEmail('new-mail'), password: 'a rather long passphrase 9', name: 'New', account_name: 'New Ltd' }).expect(202);
    expect(readdirSync(t.config.mailDir)).toHaveLength(2);

    const operator = () => t.http().set('Authorization', `Bearer ${TEST_ADMIN_TOKEN}`);
    const finish = async (dryRun: boolean) => {
      const started = await operator().post('/v1/admin/retention/run').send({ dry_run: dryRun }).expect(202);
      let current = started.body;
      for (let i = 0; i < 500 && current.status === 'running'; i++) current = (await operator().get(`/v1/admin/retention/runs/${started.body.id}`)).body;
      return current;
    };
    const dry = await finish(true);
    expect(dry).toMatchObject({ status: 'completed', counts: { mail_files: 1 } });
    expect(readdirSync(t.config.mailDir)).toHaveLength(2);
    const real = await finish(false);
    expect(real).toMatchObject({ status: 'completed', counts: { mail_files: 1 } });
    const left = readdirSync(t.config.mailDir);
    expect(left).toHaveLength(1);
    expect(left).not.toContain(old);
  });
});

describe('GET /metrics', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { METRICS_PORT: '0', RATE_LIMIT_ANON_PER_MINUTE: '3' } });
  });
  afterAll(async () => {
    await t.close();
  });

  const scrape = async (): Promise<string> =>
    (await t.http().get('/metrics').set('Authorization', `Bearer ${TEST_ADMIN_TOKEN}`).expect(200).expect('Content-Type', /^text\/plain; version=0\.0\.4/)).text;

  const sample = (text: string, name: string, labels: string): number => {
    const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && labels.split(',').every((pair) => l.includes(pair)));
    return line ? Number(line.split(' ').pop()) : 0;
  };

  it('is refused without the admin token, and to a customer key', async () => {
    const user = await seedUser(t);
    const key = await seedApiKey(t, user.accountId);
    await t.http().get('/metrics').expect(401);
    const customer = await t.http().get('/metrics').set('Authorization', `Bearer ${key}`);
    expect([401, 403]).toContain(customer.status);
    expect(customer.text).not.toContain('didhub_http_requests_total');
  });

  it('names the documented metrics', async () => {
    const text = await scrape();
    for (const name of [
      'didhub_http_requests_total',
      'didhub_http_request_duration_seconds',
      'didhub_rate_limit_refusals_total',
      'didhub_mail_deliveries_total',
      'didhub_retention_runs_total',
      'didhub_retention_rows_total',
      'didhub_export_slots_in_use',
      'process_cpu_seconds_total',
      'nodejs_eventloop_lag_seconds',
      ...(t.config.databaseUrl ? ['didhub_db_pool_connections', 'didhub_db_pool_waiting'] : []),
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
  });

  it('counts requests by route template and status, times them, and counts rate-limit refusals, after traffic', async () => {
    const before = await scrape();
    const user = await seedUser(t);
    const key = await seedApiKey(t, user.accountId);
    await t.http().get('/v1/numbers/num_doesnotexist0000000000000').set('Authorization', `Bearer ${key}`).expect(404);
    await t.http().get('/v1/numbers/num_another0000000000000000000').set('Authorization', `Bearer ${key}`).expect(404);
    let refused = 0;
    for (let i = 0; i < 6; i++) if ((await t.http().get('/v1/account')).status === 429) refused++;
    expect(refused).toBeGreaterThan(0);
    const after = await scrape();

    const route = 'route="/v1/numbers/:id"';
    expect(sample(after, 'didhub_http_requests_total', `${route},status="404"`) - sample(before, 'didhub_http_requests_total', `${route},status="404"`)).toBe(2);
    expect(sample(after, 'didhub_http_request_duration_seconds_count', `${route},status="404"`)).toBeGreaterThanOrEqual(2);
    // The requested ids never become labels.
    expect(after).not.toContain('num_doesnotexist');
    expect(sample(after, 'didhub_rate_limit_refusals_total', 'policy="anon"') - sample(before, 'didhub_rate_limit_refusals_total', 'policy="anon"')).toBe(refused);
  });

  it('is served without a token on METRICS_PORT, and nothing else is', async () => {
    const port = t.app.get(MetricsServer).port;
    expect(port).toEqual(expect.any(Number));
    const res = await request(`http://127.0.0.1:${port}`).get('/metrics').expect(200);
    expect(res.text).toContain('# TYPE didhub_http_requests_total counter');
    await request(`http://127.0.0.1:${port}`).get('/v1/account').expect(404);
  });
});

describe('GET /metrics with the SMTP outbox', () => {
  it('reports failed deliveries, the outbox depth and its lag after a mail the SMTP server refuses', async () => {
    // Nothing listens on port 1: every delivery fails and is scheduled again.
    const t = await startTestApp({ env: { SMTP_URL: 'smtp://127.0.0.1:1', MAIL_OUTBOX_POLL_MS: '3600000', SMTP_TIMEOUT_MS: '1000' } });
    try {
      await t.http().post('/v1/auth/signup').send({ email: uniqueEmail('outbox'), password: 'a rather long passphrase 9', name: 'Out', account_name: 'Box Ltd' }).expect(202);
      const scrape = async () => (await t.http().get('/metrics').set('Authorization', `Bearer ${TEST_ADMIN_TOKEN}`).expect(200)).text;
      let text = '';
      for (let i = 0; i < 100 && !/didhub_mail_deliveries_total\{outcome="retry"\} [1-9]/.test(text); i++) {
        text = await scrape();
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(text).toMatch(/didhub_mail_deliveries_total\{outcome="retry"\} [1-9]/);
      expect(Number(/^didhub_mail_outbox_depth (\S+)$/m.exec(text)?.[1])).toBeGreaterThanOrEqual(1);
      expect(text).toMatch(/^didhub_mail_outbox_lag_seconds \S+$/m);
    } finally {
      await t.close();
    }
  });
});

describe('log lines', () => {
  const lines: string[] = [];
  let t: TestApp;
  const entries = () => lines.map((l) => JSON.parse(l) as Record<string, any>);
  const accessLine = async (requestId: string) => {
    for (let i = 0; i < 50; i++) {
      const found = entries().find((e) => e.req?.id === requestId);
      if (found) return found;
      await new Promise((resolve) => setImmediate(resolve));
    }
    return undefined;
  };

  beforeAll(async () => {
    t = await startTestApp({ env: { LOG_LEVEL: 'info' }, captureLogs: lines });
  });
  afterAll(async () => {
    await t.close();
  });

  it('write level names, and no route-mapping lines at info', () => {
    expect(entries().length).toBeGreaterThan(0);
    expect(entries().every((e) => typeof e.level === 'string')).toBe(true);
    expect(lines.some((l) => /Mapped \{|RoutesResolver|InstanceLoader/.test(l))).toBe(false);
  });

  it('keep a well-formed incoming X-Request-Id (echoed and logged) and replace a malformed one', async () => {
    const kept = await t.http().get('/v1/health/ready').set('X-Request-Id', 'lb-7f3a9c2e-0001').expect(200);
    expect(kept.headers['x-request-id']).toBe('lb-7f3a9c2e-0001');
    const unauthorised = await t.http().get('/v1/account').set('X-Request-Id', 'proxy.trace:42abcdef').expect(401);
    expect(unauthorised.body.error.request_id).toBe('proxy.trace:42abcdef');
    expect(await accessLine('proxy.trace:42abcdef')).toMatchObject({ res: { status: 401 } });
    for (const bad of ['short', 'has spaces in it', 'x'.repeat(200), 'newline\tinjected-id']) {
      const replaced = await t.http().get('/v1/health/ready').set('X-Request-Id', bad).expect(200);
      expect(replaced.headers['x-request-id']).toMatch(/^req_/);
    }
  });

  it('name the account and the key id on the access line, never the key', async () => {
    const user = await seedUser(t);
    const key = await seedApiKey(t, user.accountId);
    const res = await t.http().get('/v1/account').set('Authorization', `Bearer ${key}`).expect(200);
    const line = await accessLine(res.headers['x-request-id']);
    expect(line).toMatchObject({ level: 'info', msg: 'request completed', account_id: user.accountId, api_key_id: expect.stringMatching(/^key_/) });
    expect(lines.join('\n')).not.toContain(key);
  });
});
