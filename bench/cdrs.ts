import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:https';
import { join } from 'node:path';
import { throwawayDatabase } from './throwaway-database';
import { apiKeyDisplayPrefix, generateApiKey, hashApiKey } from '../src/identity/api-keys/api-key-token';
import { newId } from '../src/platform/ids/ids';
import { openPostgres } from '../src/platform/database/database';
import { applyMigrations } from '../src/platform/database/migration-runner';
import { PrismaService } from '../src/platform/database/prisma.service';
import { BenchClient, median } from './http-client';
import { seedCdrs } from './seed-cdrs';

/**
 * CDR listing and export at scale. Creates a throwaway PostgreSQL database on the
 * BENCH_DATABASE_URL server, seeds 10^4 and 10^6 CDRs into two accounts (set-based SQL), boots
 * the app in a child process and measures, for each size: first-page and deep-page latency of
 * GET /v1/cdrs (median), and the export's rows/s and the app's peak RSS. Targets: page latency
 * 10^6/10^4 ≤ 1.5 and export peak RSS 10^6/10^4 ≤ 1.5 (memory flat); exit code 1 if missed.
 */
const SERVER_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
// BENCH_CDRS_SIZES=small,large overrides the sizes for a quick trial run.
const SIZES = (process.env.BENCH_CDRS_SIZES ?? '10000,1000000').split(',').map(Number);
const PAGE_LIMIT = 100;
const DEEP_PAGES = 50;
const SAMPLES = 60;
const WARMUP = 20;
const TARGET_LATENCY_RATIO = 1.5;
const TARGET_RSS_RATIO = 1.5;
// The seed's newest hour (one call every 2 s, three per start time): present in both sizes.
const WARMUP_EXPORT_AFTER = '2025-12-31T23:00:00.000Z';
const WARMUP_EXPORT_ROWS = 5402;

interface SizeResult {
  rows: number;
  seedSeconds: number;
  firstPageMs: number;
  deepPageMs: number;
  numberPageMs: number;
  exportRows: number;
  exportSeconds: number;
  rssBeforeExport: number;
  peakRssDuringExport: number;
  heapBeforeExport: number;
  peakHeapDuringExport: number;
}

async function seed(prisma: PrismaService, pepper: string, rows: number, tag: string): Promise<{ key: string; accountId: string }> {
  const accountId = newId('account');
  await prisma.account.create({ data: { id: accountId, name: `bench ${rows}`, apiKeysEnabled: true } });
  const key = generateApiKey();
  await prisma.apiKey.create({
    data: { id: newId('apiKey'), accountId, name: 'bench', prefix: apiKeyDisplayPrefix(key), keyHash: hashApiKey(key, pepper), scopes: ['cdrs:read'] },
  });
  await seedCdrs(prisma, accountId, rows, tag);
  return { key, accountId };
}

function startServer(databaseUrl: string, pepper: string): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(join(__dirname, 'cdrs-server.js'), [], {
    env: { ...process.env, BENCH_APP_DATABASE_URL: databaseUrl, BENCH_API_KEY_PEPPER: pepper },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve({ child, port: m.port }));
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
}

function ask<T>(child: ChildProcess, cmd: string): Promise<T> {
  return new Promise((resolve) => {
    child.once('message', (m: T) => resolve(m));
    child.send({ cmd });
  });
}

async function timedGets(client: BenchClient, path: string, headers: Record<string, string>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < WARMUP + SAMPLES; i++) {
    const res = await client.get(path, headers);
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${res.body.slice(0, 200)}`);
    if (i >= WARMUP) times.push(res.ms);
  }
  return median(times);
}

/** Streams the export, counting lines without keeping the body. */
function streamExport(port: number, headers: Record<string, string>, path = '/v1/cdrs/export'): Promise<{ rows: number; seconds: number }> {
  const agent = new Agent({ rejectUnauthorized: false });
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', agent, headers }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`export answered ${res.statusCode}`));
        return;
      }
      let newlines = 0;
      res.on('data', (chunk: Buffer) => {
        for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) newlines++;
      });
      res.on('end', () => {
        agent.destroy();
        resolve({ rows: newlines - 1, seconds: Number(process.hrtime.bigint() - started) / 1e9 });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function measure(databaseUrl: string, pepper: string, key: string, rows: number, seedSeconds: number): Promise<SizeResult> {
  const { child, port } = await startServer(databaseUrl, pepper);
  const client = new BenchClient(`https://127.0.0.1:${port}`);
  const auth = { Authorization: `Bearer ${key}` };
  const step = (what: string) => console.error(`  ${rows} rows: ${what}`);
  try {
    step('first page');
    const firstPageMs = await timedGets(client, `/v1/cdrs?limit=${PAGE_LIMIT}`, auth);
    let cursor: string | null = null;
    for (let page = 0; page < DEEP_PAGES; page++) {
      const res = await client.get(`/v1/cdrs?limit=${PAGE_LIMIT}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, auth);
      cursor = (JSON.parse(res.body) as { next_cursor: string | null }).next_cursor;
      if (!cursor) throw new Error(`ran out of pages at ${page}`);
    }
    step('deep page');
    const deepPageMs = await timedGets(client, `/v1/cdrs?limit=${PAGE_LIMIT}&cursor=${encodeURIComponent(cursor!)}`, auth);
    const numberPageMs = await timedGets(client, `/v1/cdrs?limit=${PAGE_LIMIT}&number=${encodeURIComponent('+14150000042')}`, auth);

    // Both sizes run the same warm-up export first (the newest hour: 5,402 rows, several
    // batches), so the measured export starts from a warmed export path in either case.
    step('export warm-up');
    const warm = await streamExport(port, auth, `/v1/cdrs/export?started_after=${encodeURIComponent(WARMUP_EXPORT_AFTER)}`);
    if (warm.rows !== WARMUP_EXPORT_ROWS) throw new Error(`warm-up export returned ${warm.rows} rows, expected ${WARMUP_EXPORT_ROWS}`);
    step(`export (port ${port})`);
    const { rss: rssBeforeExport, heapUsed: heapBeforeExport } = await ask<{ rss: number; heapUsed: number }>(child, 'peak');
    await ask(child, 'reset-peak');
    const exported = await streamExport(port, auth);
    const { peakRss, peakHeapUsed } = await ask<{ peakRss: number; peakHeapUsed: number }>(child, 'peak');
    if (exported.rows !== rows) throw new Error(`export returned ${exported.rows} rows, expected ${rows}`);
    return {
      rows,
      seedSeconds,
      firstPageMs,
      deepPageMs,
      numberPageMs,
      exportRows: exported.rows,
      exportSeconds: exported.seconds,
      rssBeforeExport,
      peakRssDuringExport: peakRss,
      heapBeforeExport,
      peakHeapDuringExport: peakHeapUsed,
    };
  } finally {
    client.close();
    child.send({ cmd: 'stop' });
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;

function report(results: SizeResult[]): boolean {
  const [small, large] = results;
  const lines: [string, (r: SizeResult) => number, (v: number) => string, number | null][] = [
    ['first page latency (median)', (r) => r.firstPageMs, (v) => `${v.toFixed(2)} ms`, TARGET_LATENCY_RATIO],
    [`deep page latency (page ${DEEP_PAGES + 1}, median)`, (r) => r.deepPageMs, (v) => `${v.toFixed(2)} ms`, TARGET_LATENCY_RATIO],
    ['number filter first page (median)', (r) => r.numberPageMs, (v) => `${v.toFixed(2)} ms`, null],
    ['export throughput', (r) => r.exportRows / r.exportSeconds, (v) => `${Math.round(v)} rows/s`, null],
    ['app RSS before export', (r) => r.rssBeforeExport, mb, null],
    ['app peak RSS during export', (r) => r.peakRssDuringExport, mb, TARGET_RSS_RATIO],
    ['app JS heap used before export', (r) => r.heapBeforeExport, mb, null],
    ['app peak JS heap used during export', (r) => r.peakHeapDuringExport, mb, null],
  ];
  let ok = true;
  console.log(`\nCDR bench (PostgreSQL), limit=${PAGE_LIMIT}, ${SAMPLES} samples after ${WARMUP} warm-up requests`);
  console.log(`  seeded ${small.rows} rows in ${small.seedSeconds.toFixed(1)} s, ${large.rows} rows in ${large.seedSeconds.toFixed(1)} s`);
  console.log(`  ${'metric'.padEnd(40)} ${`${small.rows} rows`.padStart(14)} ${`${large.rows} rows`.padStart(14)}   ratio large/small`);
  for (const [label, pick, format, target] of lines) {
    const ratio = pick(large) / pick(small);
    const verdict = target === null ? '' : ratio <= target ? `  (target ≤ ${target}: ok)` : `  (target ≤ ${target}: MISSED)`;
    if (target !== null && ratio > target) ok = false;
    console.log(`  ${label.padEnd(40)} ${format(pick(small)).padStart(14)} ${format(pick(large)).padStart(14)}   ${ratio.toFixed(2)}${verdict}`);
  }
  console.log(`  export time: ${small.exportSeconds.toFixed(2)} s for ${small.rows} rows, ${large.exportSeconds.toFixed(2)} s for ${large.rows} rows`);
  return ok;
}

async function main(): Promise<void> {
  const database = await throwawayDatabase(SERVER_URL, 'cdrs');
  const databaseUrl = database.url;
  const pepper = randomBytes(32).toString('base64url');
  try {
    const handle = openPostgres(databaseUrl);
    const seeded: { key: string; rows: number; seconds: number }[] = [];
    const prisma = new PrismaService(handle);
    try {
      await applyMigrations(handle);
      for (const [i, rows] of SIZES.entries()) {
        const started = Date.now();
        const { key } = await seed(prisma, pepper, rows, String.fromCharCode(65 + i));
        seeded.push({ key, rows, seconds: (Date.now() - started) / 1000 });
        console.error(`seeded ${rows} CDRs in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      }
      await prisma.$executeRawUnsafe('VACUUM ANALYZE cdrs');
    } finally {
      await prisma.onModuleDestroy();
    }
    const results: SizeResult[] = [];
    for (const s of seeded) results.push(await measure(databaseUrl, pepper, s.key, s.rows, s.seconds));
    if (!report(results)) process.exitCode = 1;
  } finally {
    await database.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
