import { execFile, spawn } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { newId } from '../../src/platform/ids/ids';
import { COMMANDS } from '../../src/cli/didhub';

const execFileAsync = promisify(execFile);
const ROOT = resolve(__dirname, '..', '..');
/** A fresh embedded database is created and migrated by a child process: allow for a slow, shared machine. */
const COMMAND_TIMEOUT = 300_000;

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion and never throws: the exit code is part of the answer. */
function runIn(cwd: string, file: string, args: string[], env: NodeJS.ProcessEnv): Promise<Outcome> {
  return new Promise((done, fail) => {
    const child = spawn(file, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code: code ?? -1, stdout, stderr }));
  });
}

/**
 * The operator commands as the Docker image runs them: compiled JavaScript in a production install
 * (`npm ci --omit=dev`, no TypeScript, no Prisma CLI), on the Node that runs the tests. One install
 * and one compile shared by every case; each case runs the real command against an embedded
 * database in a fresh data directory.
 */
describe('operator commands from a pruned production install', () => {
  let app: string;
  let env: NodeJS.ProcessEnv;
  const didhub = (...args: string[]) => runIn(app, process.execPath, ['dist/src/cli/didhub.js', ...args], env);

  beforeAll(async () => {
    app = mkdtempSync(join(tmpdir(), 'didhub-prod-'));
    for (const entry of ['package.json', 'package-lock.json', 'prisma', 'samples']) cpSync(join(ROOT, entry), join(app, entry), { recursive: true });
    const npmEnv = { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
    // Compile into the install (as the image's build stage does) while npm installs production dependencies.
    await Promise.all([
      execFileAsync('npm', ['ci', '--omit=dev', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: app, env: npmEnv, maxBuffer: 16 << 20 }),
      execFileAsync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', join(app, 'dist')], {
        cwd: ROOT,
        maxBuffer: 16 << 20,
      }),
    ]);
    const { PATH, HOME } = process.env;
    // Development mode generates its secrets into DATA_DIR; no DATABASE_URL: the embedded database.
    env = { PATH, HOME, NODE_ENV: 'development', DATA_DIR: join(app, 'data'), LOG_LEVEL: 'warn' };
  }, 600_000);

  afterAll(() => {
    if (app) rmSync(app, { recursive: true, force: true });
  });

  it('is a production install: no devDependencies', async () => {
    const devDependencies = Object.keys((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { devDependencies: object }).devDependencies);
    // typescript, prisma and some @types arrive as (peer) dependencies of production packages; the commands use none of them.
    const expectedAbsent = devDependencies.filter((name) => !['typescript', 'prisma'].includes(name) && !name.startsWith('@types/'));
    const present = expectedAbsent.filter((name) => existsSync(join(app, 'node_modules', name, 'package.json')));
    expect(present).toEqual([]);
    expect(expectedAbsent).toEqual(expect.arrayContaining(['jest', '@nestjs/testing', '@swc/core']));
  }, COMMAND_TIMEOUT);

  it('db:status reports pending migrations (exit 1), db:migrate applies them, then db:status is up to date (exit 0)', async () => {
    const before = await didhub('db:status');
    expect(before).toMatchObject({ code: 1 });
    expect(before.stdout).toContain('Database is NOT up to date.');
    const migrate = await didhub('db:migrate');
    expect(migrate).toMatchObject({ code: 0, stderr: '' });
    expect(migrate.stdout).toMatch(/^Applied: \d{14}_/);
    const after = await runIn(app, 'npm', ['run', '--silent', 'db:status'], env);
    expect(after).toMatchObject({ code: 0 });
    expect(after.stdout).toContain('Database is up to date.');
  }, COMMAND_TIMEOUT);

  it('cdrs:import validates the whole file first, then imports the sample CSV and is rerunnable', async () => {
    const sample = readFileSync(join(app, 'samples/cdrs.csv'), 'utf8');
    const refused = await didhub('cdrs:import', 'samples/cdrs.csv');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('line 2: account_id');
    expect(refused.stderr).toContain('nothing was imported');

    // An account made directly in the embedded database (the server is not running).
    const accountId = newId('account');
    const db = await PGlite.create(join(app, 'data/pglite'));
    await db.query('INSERT INTO accounts (id, name, updated_at) VALUES ($1, $2, now())', [accountId, 'Operator test']);
    await db.close();
    writeFileSync(join(app, 'data/cdrs.csv'), sample.replaceAll('ACCOUNT_ID', accountId));

    const imported = await didhub('cdrs:import', 'data/cdrs.csv');
    expect(imported).toMatchObject({ code: 0 });
    expect(imported.stdout).toContain('Imported 5 row(s): 5 new, 0 already present.');
    const again = await didhub('cdrs:import', 'data/cdrs.csv');
    expect(again.stdout).toContain('Imported 5 row(s): 0 new, 5 already present.');
  }, COMMAND_TIMEOUT);

  it('keys:rotate re-encrypts under the first key and reports every field', async () => {
    const rotate = await didhub('keys:rotate', '--batch-size=100');
    expect(rotate).toMatchObject({ code: 0 });
    expect(rotate.stdout).toMatch(/Re-encrypting under key "[^"]+" in batches of 100\./);
    const bad = await didhub('keys:rotate', '--nonsense');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('usage');
  }, COMMAND_TIMEOUT);

  it('retention reports per rule, a dry run changes nothing, a real run deletes what is past its period', async () => {
    const attempt = newId('loginAttempt');
    const db = await PGlite.create(join(app, 'data/pglite'));
    await db.query("INSERT INTO login_attempts (id, success, method, created_at) VALUES ($1, false, 'password', now() - interval '100 days')", [attempt]);
    await db.close();
    const count = async () => {
      const check = await PGlite.create(join(app, 'data/pglite'));
      const { rows } = await check.query<{ n: number }>('SELECT count(*)::int AS n FROM login_attempts WHERE id = $1', [attempt]);
      await check.close();
      return rows[0].n;
    };

    const dry = await didhub('retention', '--dry-run');
    expect(dry).toMatchObject({ code: 0 });
    expect(dry.stdout).toContain('dry run (nothing will change)');
    expect(dry.stdout).toMatch(/^login_history\s+login_history=1$/m);
    expect(await count()).toBe(1);
    const real = await didhub('retention', '--batch-size=10');
    expect(real).toMatchObject({ code: 0 });
    expect(real.stdout).toMatch(/^Run rrun_\w+ completed: .*login_history=1/m);
    expect(await count()).toBe(0);
    const bad = await didhub('retention', '--nonsense');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('usage');
  }, COMMAND_TIMEOUT);

  it('backup writes an encrypted archive, restore refuses a flipped byte and restores it into an empty data directory', async () => {
    const key = Buffer.alloc(32, 9).toString('base64');
    const withKey = { ...env, BACKUP_KEY: key };
    const run = (dataDir: string, ...args: string[]) =>
      runIn(app, process.execPath, ['dist/src/cli/didhub.js', ...args], { ...withKey, DATA_DIR: dataDir });
    expect(await didhub('db:migrate')).toMatchObject({ code: 0 });
    const archive = join(app, 'didhub.backup');
    const made = await run(join(app, 'data'), 'backup', archive);
    expect(made).toMatchObject({ code: 0 });
    const bytes = readFileSync(archive);
    expect(bytes.length).toBeGreaterThan(1000);
    // Ciphertext: the archive does not contain the database's own table names in clear.
    expect(bytes.includes(Buffer.from('login_attempts'))).toBe(false);

    const tampered = join(app, 'tampered.backup');
    const flipped = Buffer.from(bytes);
    flipped[Math.floor(flipped.length / 2)] ^= 0x01;
    writeFileSync(tampered, flipped);
    const refusedDir = join(app, 'restore-refused');
    const refused = await run(refusedDir, 'restore', tampered);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('restore failed');
    expect(existsSync(join(refusedDir, 'pglite', 'PG_VERSION'))).toBe(false);

    // A development data directory's keys live in its dev-secrets.json: without them the restore
    // is refused (the archive names the keys it needs), with them it goes through.
    const restoredDir = join(app, 'restored');
    const withoutKeys = await run(restoredDir, 'restore', archive);
    expect(withoutKeys.code).toBe(1);
    expect(withoutKeys.stderr).toMatch(/needs ENCRYPTION_KEYS key "dev1" \(fingerprint [0-9a-f]{16}\)/);
    expect(existsSync(join(restoredDir, 'dev-secrets.json'))).toBe(false);
    mkdirSync(restoredDir, { recursive: true });
    copyFileSync(join(app, 'data', 'dev-secrets.json'), join(restoredDir, 'dev-secrets.json'));
    const restored = await run(restoredDir, 'restore', archive);
    expect(restored).toMatchObject({ code: 0 });
    const status = await run(restoredDir, 'db:status');
    expect(status.code).toBe(0);
  }, COMMAND_TIMEOUT);

  it('lists the commands for an unknown one, and every command has a case here and a no-build npm script', async () => {
    const unknown = await didhub('nope');
    expect(unknown.code).toBe(2);
    for (const name of Object.keys(COMMANDS)) expect(unknown.stderr).toContain(name);
    // A command added to src/cli/didhub.ts needs a case above: update this list with it.
    expect(Object.keys(COMMANDS).sort()).toEqual(['backup', 'cdrs:import', 'db:migrate', 'db:status', 'keys:rotate', 'restore', 'retention']);
    const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    for (const name of Object.keys(COMMANDS)) expect(scripts[name]).toBe(`node dist/src/cli/didhub.js ${name}`);
  }, COMMAND_TIMEOUT);
});
