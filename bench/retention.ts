import { type ChildProcess, fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';
import { throwawayDatabase } from './throwaway-database';
import { apiKeyDisplayPrefix, generateApiKey, hashApiKey } from '../src/identity/api-keys/api-key-token';
import { newId } from '../src/platform/ids/ids';
import { openPostgres } from '../src/platform/database/database';
import { applyMigrations } from '../src/platform/database/migration-runner';
import { PrismaService } from '../src/platform/database/prisma.service';
import { BenchClient } from './http-client';

/**
 * `npm run bench:retention` (PostgreSQL at BENCH_DATABASE_URL): a throwaway database with 10^6
 * login attempts older than 90 days and 10^6 CDRs of an account anonymised 8 years after them
 * (past its 7-year billing period), plus a live account with 10^4 CDRs. Measures the p99 of
 * `GET /v1/cdrs` for the live account (the app in a child process, CONCURRENCY readers) while
 * nothing else runs, then again while `npm run retention` (the CLI, its own process) deletes
 * the 2×10^6 rows. Targets: ≥ 50,000 rows deleted per second; read p99 during ≤ 2× quiet.
 * BENCH_RETENTION_ROWS overrides the 10^6 for a trial run.
 */
const SERVER_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ROWS = Number(process.env.BENCH_RETENTION_ROWS ?? 1_000_000);
const LIVE_CDRS = 10_000;
const QUIET_MS = 10_000;
const CONCURRENCY = 4;
const TARGET_ROWS_PER_SECOND = 50_000;
const TARGET_P99_RATIO = 2;

async function seed(prisma: PrismaService, pepper: string): Promise<{ key: string }> {
  const live = newId('account');
  const gone = newId('account');
  await prisma.account.create({ data: { id: live, name: 'bench live', apiKeysEnabled: true } });
  await prisma.account.create({
    data: {
      id: gone,
      name: 'Anonymized account',
      status: 'anonymized',
      closedAt: new Date(Date.now() - 2 * 86400_000),
      anonymizedAt: new Date(Date.now() - 86400_000),
    },
  });
  const key = generateApiKey();
  await prisma.apiKey.create({
    data: { id: newId('apiKey'), accountId: live, name: 'bench', prefix: apiKeyDisplayPrefix(key), keyHash: hashApiKey(key, pepper), scopes: ['cdrs:read'] },
  });
  const cdrs = (account: string, tag: string, rows: number, newest: string, masked: boolean) =>
    prisma.$executeRawUnsafe(
      `INSERT INTO cdrs (id, account_id, external_id, direction, from_number, to_number, started_at, answered_at, ended_at,
         duration_seconds, billable_seconds, status, cost, currency)
       SELECT 'cdr_' || $2 || lpad(g::text, 21, '0'), $1, ${masked ? "'anonymized:cdr_' || $2 || lpad(g::text, 21, '0')" : "'sw-' || g"},
         'inbound', ${masked ? "'anonymized', 'anonymized'" : "'+1415' || lpad((g % 5000)::text, 7, '0'), '+4420' || lpad((g % 7919)::text, 7, '0')"},
         ts, ts + interval '3 seconds', ts + interval '90 seconds', 90, 87, 'answered', 0.0125, 'USD'
       FROM generate_series(1, $3::int) AS g, LATERAL (SELECT $4::timestamptz - g * interval '2 seconds' AS ts) AS t`,
      account,
      tag,
      rows,
      newest,
    );
  await cdrs(live, 'L', LIVE_CDRS, new Date().toISOString(), false);
  const eightYearsAgo = new Date();
  eightYearsAgo.setUTCFullYear(eightYearsAgo.getUTCFullYear() - 8);
  await cdrs(gone, 'G', ROWS, eightYearsAgo.toISOString(), true);
  await prisma.$executeRawUnsafe(
    `INSERT INTO login_attempts (id, user_id, success, method, failure_reason, ip, user_agent, created_at)
     SELECT 'la_' || lpad(g::text, 22, '0'), NULL, false, 'password', 'unknown_email', '203.0.113.7', 'bench',
            now() - interval '100 days' - g * interval '1 second'
       FROM generate_series(1, $1::int) AS g`,
    ROWS,
  );
  await prisma.$executeRawUnsafe('VACUUM ANALYZE');
  return { key };
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

/** CONCURRENCY readers issuing first-page reads until `until()` says stop; returns every latency. */
async function readWhile(client: BenchClient, key: string, until: () => boolean): Promise<number[]> {
  const times: number[] = [];
  const reader = async () => {
    while (!until()) {
      const res = await client.get('/v1/cdrs?limit=50', { Authorization: `Bearer ${key}` });
      if (res.status !== 200) throw new Error(`GET /v1/cdrs answered ${res.status}`);
      times.push(res.ms);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, reader));
  return times;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function runRetention(databaseUrl: string): Promise<{ code: number; output: string }> {
  const child = spawn(process.execPath, [join(__dirname, '..', 'src', 'data-protection', 'retention', 'retention.command.js')], {
    env: { ...process.env, DATABASE_URL: databaseUrl, NODE_ENV: 'test', LOG_LEVEL: 'warn', SESSION_SECRET: 'bench-session-secret-0123456789abcdef0123456789' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    process.stderr.write(chunk);
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code: code ?? 1, output })));
}

async function main(): Promise<void> {
  const database = await throwawayDatabase(SERVER_URL, 'retention');
  const databaseUrl = database.url;
  const pepper = randomBytes(32).toString('base64url');
  let server: { child: ChildProcess; port: number } | null = null;
  const client = { current: null as BenchClient | null };
  try {
    const handle = openPostgres(databaseUrl);
    const prisma = new PrismaService(handle);
    let key: string;
    try {
      await applyMigrations(handle);
      const started = Date.now();
      ({ key } = await seed(prisma, pepper));
      console.error(`seeded ${ROWS} login attempts and ${ROWS} CDRs to delete in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    } finally {
      await prisma.onModuleDestroy();
    }
    server = await startServer(databaseUrl, pepper);
    client.current = new BenchClient(`https://127.0.0.1:${server.port}`);
    const http = client.current;
    await readWhile(http, key, ((end) => () => Date.now() > end)(Date.now() + 2000)); // warm-up
    const quiet = await readWhile(http, key, ((end) => () => Date.now() > end)(Date.now() + QUIET_MS));

    let done = false;
    const retention = runRetention(databaseUrl).finally(() => {
      done = true;
    });
    const during = await readWhile(http, key, () => done);
    const { code, output } = await retention;
    if (code !== 0) throw new Error(`retention exited with ${code}`);

    const check = new Client({ connectionString: databaseUrl });
    await check.connect();
    const [run] = (await check.query<{ counts: Record<string, number>; ms: number }>(
      `SELECT counts, extract(epoch FROM finished_at - started_at) * 1000 AS ms FROM retention_runs ORDER BY started_at DESC LIMIT 1`,
    )).rows;
    const left = (await check.query<{ n: number }>("SELECT (SELECT count(*) FROM login_attempts) + (SELECT count(*) FROM cdrs WHERE account_id <> (SELECT account_id FROM api_keys LIMIT 1)) AS n")).rows[0];
    await check.end();
    const deleted = (run.counts.login_history ?? 0) + (run.counts.billing_cdrs ?? 0);
    const rowsPerSecond = deleted / (run.ms / 1000);
    const quietP99 = percentile(quiet, 99);
    const duringP99 = percentile(during, 99);
    const ratio = duringP99 / quietP99;
    console.log(`\nRetention bench (PostgreSQL), ${ROWS} expired login attempts + ${ROWS} CDRs past their billing period`);
    console.log(`  run: ${output.trim().split('\n').pop()}`);
    console.log(`  deleted ${deleted} rows in ${(run.ms / 1000).toFixed(1)} s: ${Math.round(rowsPerSecond)} rows/s (target ≥ ${TARGET_ROWS_PER_SECOND}: ${rowsPerSecond >= TARGET_ROWS_PER_SECOND ? 'ok' : 'MISSED'}); rows left: ${Number(left.n)}`);
    console.log(`  GET /v1/cdrs p99, ${CONCURRENCY} readers: quiet ${quietP99.toFixed(2)} ms (${quiet.length} reads, median ${percentile(quiet, 50).toFixed(2)} ms)`);
    console.log(`  GET /v1/cdrs p99 during the run: ${duringP99.toFixed(2)} ms (${during.length} reads, median ${percentile(during, 50).toFixed(2)} ms)`);
    console.log(`  ratio ${ratio.toFixed(2)} (target ≤ ${TARGET_P99_RATIO}: ${ratio <= TARGET_P99_RATIO ? 'ok' : 'MISSED'})`);
    if (rowsPerSecond < TARGET_ROWS_PER_SECOND || ratio > TARGET_P99_RATIO || Number(left.n) !== 0) process.exitCode = 1;
  } finally {
    client.current?.close();
    if (server) {
      server.child.send({ cmd: 'stop' });
      await new Promise((resolve) => server!.child.once('exit', resolve));
    }
    await database.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
