import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { throwawayDatabase } from './throwaway-database';
import { apiKeyDisplayPrefix, generateApiKey, hashApiKey } from '../src/identity/api-keys/api-key-token';
import { newId } from '../src/platform/ids/ids';
import { openPostgres } from '../src/platform/database/database';
import { applyMigrations } from '../src/platform/database/migration-runner';
import { PrismaService } from '../src/platform/database/prisma.service';
import { hashSessionSecret, newSessionToken, SESSION_COOKIE, SessionCookieCodec } from '../src/identity/sessions/session-cookie';
import { median } from './http-client';
import { seedCdrs } from './seed-cdrs';

/**
 * `npm run bench:http`: the request pipeline against a hand-written reference, side by side.
 *
 * Seeds a throwaway PostgreSQL database (on BENCH_DATABASE_URL's server) with 10⁶ CDRs for one
 * account, an owner with a session and an API key; starts three servers as separate processes,
 * each pinned with `taskset` to the same single core (only one is under load at a time; the
 * load generator runs pinned to another core):
 *   hello      bare Nest 11 + express, one route, no middleware (bench/http-hello.ts)
 *   reference  GET /v1/cdrs by hand with raw `pg` (bench/http-reference.ts), same JSON bytes
 *   app        this API in production mode (dist/src/main.js), plain HTTP behind a loopback
 *              "proxy" (TRUST_PROXY=127.0.0.1, every request says X-Forwarded-Proto: https),
 *              request logs on (level info) written to /dev/null
 * then drives each target with autocannon (50 connections): one warm-up run each, then
 * BENCH_HTTP_ROUNDS rounds of BENCH_HTTP_SECONDS interleaved across the targets (the order
 * rotates every round). Medians over the rounds; exit code 1 when a target ratio is missed.
 *
 * BENCH_HTTP_ROWS overrides the 10⁶ rows for a quick trial; BENCH_HTTP_PROFILE=dir starts the
 * app under `node --cpu-prof` and writes its profile there at the end (summarise it with
 * `node dist/bench/cpu-profile-summary.js <file>`); BENCH_HTTP_ONLY=cdrs,health drives only those
 * targets (no ratios then); BENCH_HTTP_BASELINE=<dir of another built checkout> also runs that
 * build of the app (targets base:health...), interleaved with this one, to price a change;
 * BENCH_HTTP_APP_ENV='{"LOG_LEVEL":"warn"}' adds settings for this build's app only (to price one).
 */
const SERVER_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ROWS = Number(process.env.BENCH_HTTP_ROWS ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_HTTP_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 10);
const WARMUP_SECONDS = Number(process.env.BENCH_HTTP_WARMUP_SECONDS ?? 5);
const CONNECTIONS = 50;
const PROFILE_DIR = process.env.BENCH_HTTP_PROFILE ?? null;
const BASELINE = process.env.BENCH_HTTP_BASELINE ?? null;
const ONLY = process.env.BENCH_HTTP_ONLY ? process.env.BENCH_HTTP_ONLY.split(',') : null;
const APP_ENV = JSON.parse(process.env.BENCH_HTTP_APP_ENV ?? '{}') as Record<string, string>;
const ROOT = join(__dirname, '..', '..');

interface Target {
  name: string;
  label: string;
  server: 'hello' | 'reference' | 'app' | 'baseline';
  path: string;
  headers: Record<string, string>;
}

interface RoundResult {
  rps: number;
  p50: number;
  p99: number;
  cpu: number;
  /** Server CPU time per request, µs: steadier than rps on a busy machine. */
  cpuPerRequest: number;
}

interface Server {
  child: ChildProcess;
  port: number;
}

const CLK_TCK = 100;

function hasTaskset(): boolean {
  return spawnSync('taskset', ['-V'], { stdio: 'ignore' }).status === 0;
}

/** CPUs for the servers and for this process (the load generator), or null without taskset or a second core. */
function cpuPlan(): { server: string; client: string } | null {
  if (!hasTaskset() || availableParallelism() < 2) return null;
  const last = availableParallelism() - 1;
  return { server: process.env.BENCH_SERVER_CPU ?? String(last), client: process.env.BENCH_CLIENT_CPU ?? '0' };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function get(port: number, path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function startServer(
  name: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  cpus: { server: string } | null,
  readyPath: string,
  cwd = ROOT,
): Promise<Server> {
  const port = await freePort();
  const command = cpus ? 'taskset' : process.execPath;
  const argv = cpus ? ['-c', cpus.server, process.execPath, ...args] : args;
  // stdout (the app's request log) goes to /dev/null; start-up errors still show on stderr.
  const child = spawn(command, argv, { env: { ...env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'inherit'], cwd });
  let exited = false;
  child.once('exit', () => (exited = true));
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (exited) throw new Error(`${name} exited during start-up`);
    try {
      await get(port, readyPath, { 'X-Forwarded-Proto': 'https' });
      return { child, port };
    } catch {
      if (Date.now() > deadline) throw new Error(`${name} did not start`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

function stopServer(server: Server, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    server.child.once('exit', () => resolve());
    server.child.kill(signal);
  });
}

/** User + system CPU seconds of a process and its threads so far (Linux), else NaN. */
function cpuSeconds(pid: number | undefined): number {
  try {
    // The node process is taskset's child when taskset exec'd: same pid, so this is node.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return Number.NaN;
  }
}

async function drive(target: Target, server: Server, seconds: number): Promise<RoundResult> {
  const before = cpuSeconds(server.child.pid);
  const started = process.hrtime.bigint();
  const result = await autocannon({
    url: `http://127.0.0.1:${server.port}${target.path}`,
    connections: CONNECTIONS,
    duration: seconds,
    headers: target.headers,
  });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.non2xx || result.errors || result.timeouts) {
    throw new Error(`${target.name}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  const cpu = cpuSeconds(server.child.pid) - before;
  return {
    rps: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpu: cpu / elapsed,
    cpuPerRequest: (cpu * 1e6) / result.requests.total,
  };
}

async function seed(databaseUrl: string, pepper: string, sessionSecret: string) {
  const handle = openPostgres(databaseUrl);
  const prisma = new PrismaService(handle);
  try {
    await applyMigrations(handle);
    const accountId = newId('account');
    const userId = newId('user');
    await prisma.account.create({ data: { id: accountId, name: 'bench', apiKeysEnabled: true } });
    await prisma.user.create({ data: { id: userId, email: `${userId}@bench.example`, name: 'bench', emailVerifiedAt: new Date() } });
    await prisma.membership.create({ data: { id: newId('membership'), accountId, userId, role: 'owner' } });
    const key = generateApiKey();
    await prisma.apiKey.create({
      data: { id: newId('apiKey'), accountId, name: 'bench', prefix: apiKeyDisplayPrefix(key), keyHash: hashApiKey(key, pepper), scopes: ['cdrs:read'] },
    });
    const token = newSessionToken();
    const now = Date.now();
    await prisma.session.create({
      data: {
        id: token.sessionId,
        userId,
        accountId,
        secretHash: hashSessionSecret(token.secret),
        idleExpiresAt: new Date(now + 6 * 3600_000),
        absoluteExpiresAt: new Date(now + 12 * 3600_000),
      },
    });
    const started = Date.now();
    await seedCdrs(prisma, accountId, ROWS, 'H');
    await prisma.$executeRawUnsafe('VACUUM ANALYZE');
    console.error(`seeded ${ROWS} CDRs in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const cookie = `${SESSION_COOKIE}=${new SessionCookieCodec([sessionSecret]).encode(token)}`;
    return { key, cookie };
  } finally {
    await prisma.onModuleDestroy();
  }
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function main(): Promise<void> {
  const cpus = cpuPlan();
  if (cpus) spawnSync('taskset', ['-cp', cpus.client, String(process.pid)], { stdio: 'ignore' });
  const loadBefore = loadavg();

  const database = await throwawayDatabase(SERVER_URL, 'http');
  const databaseUrl = database.url;
  const pepper = randomBytes(32).toString('base64url');
  const sessionSecret = randomBytes(32).toString('base64url');
  const dataDir = mkdtempSync(join(tmpdir(), 'didhub-bench-http-'));
  const servers: Partial<Record<Target['server'], Server>> = {};
  let ok = true;
  try {
    const { key, cookie } = await seed(databaseUrl, pepper, sessionSecret);
    const base = { PATH: process.env.PATH, NODE_ENV: 'production' };
    servers.hello = await startServer('hello', ['dist/bench/http-hello.js'], base, cpus, '/hello');
    servers.reference = await startServer(
      'reference',
      ['dist/bench/http-reference.js'],
      { ...base, DATABASE_URL: databaseUrl, API_KEY_PEPPER: pepper, SESSION_SECRET: sessionSecret },
      cpus,
      '/v1/cdrs',
    );
    const profileArgs = PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`, '--require', './dist/bench/profile-preload.js'] : [];
    const appEnv = {
        ...base,
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        DATABASE_URL: databaseUrl,
        API_KEY_PEPPER: pepper,
        SESSION_SECRET: sessionSecret,
        ENCRYPTION_KEYS: `bench:${randomBytes(32).toString('base64')}`,
        TRUST_PROXY: '127.0.0.1',
        RATE_LIMIT_READ_PER_MINUTE: '1000000',
        RATE_LIMIT_ANON_PER_MINUTE: '1000000',
    };
    servers.app = await startServer('app', [...profileArgs, 'dist/src/main.js'], { ...appEnv, ...APP_ENV }, cpus, '/v1/health');
    if (BASELINE) servers.baseline = await startServer('baseline', ['dist/src/main.js'], appEnv, cpus, '/v1/health', BASELINE);

    const proxied = { 'X-Forwarded-Proto': 'https' };
    const bearer = { Authorization: `Bearer ${key}` };
    const cdrs = '/v1/cdrs?limit=50';
    const allTargets: Target[] = [
      { name: 'hello', label: 'bare Nest + express hello', server: 'hello', path: '/hello', headers: {} },
      { name: 'reference', label: 'reference: raw pg GET /v1/cdrs?limit=50, bearer', server: 'reference', path: cdrs, headers: bearer },
      { name: 'refAccount', label: 'reference: raw pg GET /v1/account, bearer (context)', server: 'reference', path: '/v1/account', headers: bearer },
      { name: 'health', label: 'app: GET /v1/health', server: 'app', path: '/v1/health', headers: proxied },
      { name: 'account', label: 'app: GET /v1/account, bearer', server: 'app', path: '/v1/account', headers: { ...proxied, ...bearer } },
      { name: 'cdrs', label: 'app: GET /v1/cdrs?limit=50, bearer', server: 'app', path: cdrs, headers: { ...proxied, ...bearer } },
      { name: 'cdrsCookie', label: 'app: GET /v1/cdrs?limit=50, cookie', server: 'app', path: cdrs, headers: { ...proxied, Cookie: cookie } },
    ];
    if (BASELINE) {
      for (const t of allTargets.filter((t) => t.server === 'app')) {
        allTargets.push({ ...t, name: `base:${t.name}`, label: `baseline ${t.label}`, server: 'baseline' });
      }
    }

    const targets = ONLY ? allTargets.filter((t) => ONLY.includes(t.name)) : allTargets;

    // Same bytes from the reference and the app (both credentials), before anything is timed.
    const bodies = await Promise.all(
      allTargets.filter((t) => t.path === cdrs).map((t) => get(servers[t.server]!.port, t.path, t.headers)),
    );
    for (const b of bodies) if (b.status !== 200) throw new Error(`GET ${cdrs} answered ${b.status}: ${b.body.slice(0, 300)}`);
    if (new Set(bodies.map((b) => b.body)).size !== 1) throw new Error('the reference and the app answer different bytes');
    console.error(`GET ${cdrs}: ${Buffer.byteLength(bodies[0].body)} bytes, identical from the reference and the app`);
    const accounts = await Promise.all([get(servers.reference.port, '/v1/account', bearer), get(servers.app.port, '/v1/account', { ...proxied, ...bearer })]);
    if (accounts[0].body !== accounts[1].body) throw new Error(`GET /v1/account differs: ${accounts[0].body} vs ${accounts[1].body}`);

    for (const t of targets) {
      console.error(`warm-up ${t.name} (${WARMUP_SECONDS} s)`);
      await drive(t, servers[t.server]!, WARMUP_SECONDS);
    }
    const results = new Map<string, RoundResult[]>(targets.map((t) => [t.name, []]));
    for (let round = 0; round < ROUNDS; round++) {
      const order = targets.map((_, i) => targets[(i + round) % targets.length]);
      for (const t of order) {
        const r = await drive(t, servers[t.server]!, SECONDS);
        console.error(`round ${round + 1}/${ROUNDS} ${t.name.padEnd(10)} ${fmt(r.rps).padStart(7)} rps  p50 ${r.p50} ms  p99 ${r.p99} ms  server cpu ${fmt(r.cpu * 100)} %, ${fmt(r.cpuPerRequest)} µs/req`);
        results.get(t.name)!.push(r);
      }
    }
    const loadAfter = loadavg();

    const m = new Map(
      targets.map((t) => {
        const rs = results.get(t.name)!;
        return [t.name, { rps: median(rs.map((r) => r.rps)), p50: median(rs.map((r) => r.p50)), p99: median(rs.map((r) => r.p99)), cpu: median(rs.map((r) => r.cpu)), cpuPerRequest: median(rs.map((r) => r.cpuPerRequest)) }];
      }),
    );
    const pinned = cpus ? `servers pinned to CPU ${cpus.server}, load generator to CPU ${cpus.client}` : 'no CPU pinning (taskset or a second core missing)';
    console.log(`\nHTTP bench (PostgreSQL, ${ROWS} CDRs), autocannon ${CONNECTIONS} connections, ${ROUNDS} interleaved rounds of ${SECONDS} s after ${WARMUP_SECONDS} s warm-up each; medians; ${pinned}`);
    console.log(`load average before ${loadBefore.map((l) => l.toFixed(2)).join(' ')}, after ${loadAfter.map((l) => l.toFixed(2)).join(' ')}\n`);
    console.log('| endpoint | rps | p50 ms | p99 ms | server CPU | CPU µs/request |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
    for (const t of targets) {
      const r = m.get(t.name)!;
      console.log(`| ${t.label} | ${fmt(r.rps)} | ${r.p50} | ${r.p99} | ${fmt(r.cpu * 100)} % | ${fmt(r.cpuPerRequest)} |`);
    }
    if (ONLY) return;
    const get_ = (n: string) => m.get(n)!;
    const ratios: [string, number, string, number][] = [
      ['bearer CDR page rps / reference rps', get_('cdrs').rps / get_('reference').rps, '≥', 0.75],
      ['bearer CDR page p99 / reference p99', get_('cdrs').p99 / get_('reference').p99, '≤', 1.5],
      ['cookie CDR page rps / reference rps', get_('cdrsCookie').rps / get_('reference').rps, '≥', 0.7],
      ['health rps / bare Nest hello rps', get_('health').rps / get_('hello').rps, '≥', 0.6],
      ['bearer account rps / health rps', get_('account').rps / get_('health').rps, '≥', 0.6],
    ];
    // Context, not a target: the same account endpoint written by hand, against the same health.
    if (m.has('refAccount')) {
      console.log(`\nby hand, GET /v1/account (one query) reaches ${(get_('refAccount').rps / get_('health').rps).toFixed(2)} of the app's health rps; the app's reaches ${(get_('account').rps / get_('refAccount').rps).toFixed(2)} of the hand-written one`);
    }
    console.log('\n| ratio | measured | target | |');
    console.log('| --- | ---: | ---: | --- |');
    for (const [label, value, op, target] of ratios) {
      const met = op === '≥' ? value >= target : value <= target;
      if (!met) ok = false;
      console.log(`| ${label} | ${value.toFixed(2)} | ${op} ${target} | ${met ? 'ok' : 'MISSED'} |`);
    }
  } finally {
    // SIGUSR2 lets a profiled app exit normally, which writes its CPU profile.
    if (servers.app) await stopServer(servers.app, PROFILE_DIR ? 'SIGUSR2' : 'SIGTERM');
    for (const s of [servers.hello, servers.reference, servers.baseline]) if (s) await stopServer(s);
    rmSync(dataDir, { recursive: true, force: true });
    await database.drop();
  }
  if (!ok) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
