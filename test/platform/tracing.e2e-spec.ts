import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { seedApiKey, seedUser } from '../support/seed';
import { type ServerProcess, serverEnv, startServerProcess, withServerDatabase } from '../support/server-process';
import { usingPostgres } from '../support/test-app';

interface ExportedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
}

/** An OTLP/HTTP (JSON) trace collector in this process: what a real collector would receive. */
async function startCollector(): Promise<{ server: Server; url: string; spans: ExportedSpan[]; services: Set<string> }> {
  const spans: ExportedSpan[] = [];
  const services = new Set<string>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/v1/traces' && String(req.headers['content-type']).startsWith('application/json')) {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        for (const rs of body.resourceSpans ?? []) {
          for (const attr of rs.resource?.attributes ?? []) if (attr.key === 'service.name') services.add(attr.value.stringValue);
          for (const ss of rs.scopeSpans ?? []) {
            for (const s of ss.spans ?? []) {
              const attributes = Object.fromEntries((s.attributes ?? []).map((a: { key: string; value: Record<string, unknown> }) => [a.key, Object.values(a.value)[0]]));
              spans.push({ traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId, name: s.name, kind: s.kind, attributes });
            }
          }
        }
      }
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, spans, services };
}

describe('OpenTelemetry traces (OTEL_EXPORTER_OTLP_ENDPOINT)', () => {
  let dataDir: string;
  let collector: Awaited<ReturnType<typeof startCollector>>;
  let server: ServerProcess;
  let apiKey: string;

  jest.setTimeout(120_000);

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'didhub-tracing-'));
    collector = await startCollector();
    const env = serverEnv(dataDir, {
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      OTEL_SERVICE_NAME: 'didhub-api-test',
      // Export every 100 ms instead of every 5 s, so the test does not wait.
      OTEL_BSP_SCHEDULE_DELAY: '100',
      ...(usingPostgres() ? { REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', RATE_LIMIT_REDIS_PREFIX: `trace${randomBytes(4).toString('hex')}:` } : {}),
    });
    apiKey = await withServerDatabase(dataDir, env, async (seed) => {
      const owner = await seedUser(seed, { apiKeysEnabled: true });
      return seedApiKey(seed, owner.accountId);
    });
    server = await startServerProcess(env);
  });

  afterAll(async () => {
    if (server && server.child.exitCode === null) server.child.kill('SIGKILL');
    await server?.exited;
    await new Promise((resolve) => collector.server.close(resolve));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('continues the incoming traceparent, puts the request id on the server span, and has database (and Redis) spans under it', async () => {
    const traceId = randomBytes(16).toString('hex');
    const parentId = randomBytes(8).toString('hex');
    const res = await request(server.url)
      .get('/v1/account')
      .disableTLSCerts()
      .set('Authorization', `Bearer ${apiKey}`)
      .set('traceparent', `00-${traceId}-${parentId}-01`)
      .expect(200);
    const requestId = res.headers['x-request-id'];

    let serverSpan: ExportedSpan | undefined;
    for (let i = 0; i < 200 && !serverSpan; i++) {
      serverSpan = collector.spans.find((s) => s.traceId === traceId && s.parentSpanId === parentId);
      if (!serverSpan) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(serverSpan).toMatchObject({ kind: 2, attributes: expect.objectContaining({ 'didhub.request_id': requestId }) });
    expect(collector.services).toContain('didhub-api-test');

    if (usingPostgres()) {
      // Children of the server span arrive in the same or the next export.
      let children: ExportedSpan[] = [];
      for (let i = 0; i < 100; i++) {
        children = collector.spans.filter((s) => s.traceId === traceId && s !== serverSpan);
        if (children.some((s) => /redis|set|evalsha|incr/i.test(s.name)) && children.some((s) => /pg|SELECT|postgres/i.test(s.name))) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(children.map((s) => s.name)).toEqual(expect.arrayContaining([expect.stringMatching(/^pg\.|SELECT|postgres/i)]));
      expect(children.some((s) => s.attributes['db.system'] === 'redis' || s.attributes['db.system.name'] === 'redis')).toBe(true);
      // No API key or credential in any exported attribute.
      expect(JSON.stringify(collector.spans)).not.toContain(apiKey);
    }
  });

  it('a request without traceparent starts its own trace; liveness probes are not traced', async () => {
    const res = await request(server.url).get('/v1/account').disableTLSCerts().set('Authorization', `Bearer ${apiKey}`).expect(200);
    await request(server.url).get('/v1/health').disableTLSCerts().expect(200);
    let span: ExportedSpan | undefined;
    for (let i = 0; i < 200 && !span; i++) {
      span = collector.spans.find((s) => s.attributes['didhub.request_id'] === res.headers['x-request-id']);
      if (!span) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(span?.parentSpanId ?? '').toBe('');
    expect(collector.spans.some((s) => String(s.attributes['url.path'] ?? s.attributes['http.target'] ?? '').startsWith('/v1/health'))).toBe(false);
  });
});
