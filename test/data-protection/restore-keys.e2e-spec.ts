import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { writeBackup } from '../../src/data-protection/backup/backup';
import { keyFingerprint } from '../../src/platform/crypto/key-fingerprint';
import { openPglite } from '../../src/platform/database/database';
import { openFromSnapshot } from '../../src/platform/database/pglite-snapshot';
import { INDIVIDUAL_DE } from '../support/compliance-fixtures';
import { bearerClient, seedApiKey, seedUser } from '../support/seed';
import { startTestApp, type TestApp, testEnv, usingPostgres } from '../support/test-app';

const ROOT = join(__dirname, '..', '..');
const BACKUP_KEY = randomBytes(32).toString('base64');
const OTHER_KEY = `test1:${randomBytes(32).toString('base64')}`;

/** `npm run restore -- <file>` as an operator runs it (the TypeScript entry, compiled on load). */
function restoreCommand(file: string, env: Record<string, string | undefined>): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['-r', './test/support/ts-register.js', 'src/data-protection/backup/restore.command.ts', file],
      { cwd: ROOT, env: { PATH: process.env.PATH, ...env } as NodeJS.ProcessEnv, timeout: 120_000 },
      (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? -1) : 0, output: `${stdout}${stderr}` }),
    );
  });
}

describe('restore refuses an archive whose keys the target lacks', () => {
  let work: string;
  let archive: string;
  let source: TestApp['config'];
  let apiKey: string;
  let endUserId: string;
  const databases: string[] = [];

  /** An empty target: a new PostgreSQL database, or an empty DATA_DIR. */
  async function emptyTarget(): Promise<{ dataDir: string; databaseUrl: string | undefined }> {
    const dataDir = mkdtempSync(join(work, 'target-'));
    if (!usingPostgres()) return { dataDir, databaseUrl: '' };
    const name = `didhub_restore_${randomBytes(4).toString('hex')}`;
    const admin = new Client({ connectionString: process.env.DIDHUB_TEST_SERVER_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    databases.push(name);
    const url = new URL(process.env.DIDHUB_TEST_SERVER_URL!);
    url.pathname = `/${name}`;
    return { dataDir, databaseUrl: url.toString() };
  }

  async function isEmpty(target: { dataDir: string; databaseUrl: string | undefined }): Promise<boolean> {
    if (!target.databaseUrl) return !existsSync(join(target.dataDir, 'pglite'));
    const client = new Client({ connectionString: target.databaseUrl });
    await client.connect();
    try {
      return (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`)).rows[0].n === 0;
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'didhub-restore-keys-'));
    archive = join(work, 'didhub.backup');
    mkdirSync(join(work, 'source'));
    const handle = usingPostgres() ? undefined : await openFromSnapshot(process.env.DIDHUB_TEST_SNAPSHOT!, join(work, 'source', 'pglite'));
    const t = await startTestApp({ database: handle });
    try {
      const user = await seedUser(t, { apiKeysEnabled: true });
      apiKey = await seedApiKey(t, user.accountId);
      endUserId = (await bearerClient(t, apiKey).post('/v1/compliance/end-users').send(INDIVIDUAL_DE).expect(201)).body.id;
      source = t.config;
    } finally {
      await t.close();
    }
    await writeBackup({ ...source, databaseUrl: process.env.DATABASE_URL ?? null, dataDir: join(work, 'source'), backupKey: Buffer.from(BACKUP_KEY, 'base64') }, archive);
  });

  afterAll(async () => {
    for (const name of databases) {
      const admin = new Client({ connectionString: process.env.DIDHUB_TEST_SERVER_URL });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
    rmSync(work, { recursive: true, force: true });
  });

  it('development target without keys: refused naming the missing key and fingerprint; nothing written, dev-secrets.json included', async () => {
    const target = await emptyTarget();
    const { code, output } = await restoreCommand(archive, { NODE_ENV: 'development', DATA_DIR: target.dataDir, DATABASE_URL: target.databaseUrl, BACKUP_KEY });
    expect(code).toBe(1);
    const fingerprint = keyFingerprint(source.encryptionKeys[0].key);
    expect(output).toContain(`restore failed: this archive's data needs ENCRYPTION_KEYS key "test1" (fingerprint ${fingerprint})`);
    expect(output).toContain('copy dev-secrets.json from the source DATA_DIR');
    expect(readdirSync(target.dataDir)).toEqual([]);
    expect(await isEmpty(target)).toBe(true);
  });

  it('a different key under the same id, or another API_KEY_PEPPER: refused, naming which', async () => {
    const target = await emptyTarget();
    const { code, output } = await restoreCommand(archive, {
      ...testEnv(target.dataDir),
      DATABASE_URL: target.databaseUrl,
      BACKUP_KEY,
      ENCRYPTION_KEYS: OTHER_KEY,
      API_KEY_PEPPER: 'another-pepper-0123456789abcdef0123456789',
    });
    expect(code).toBe(1);
    expect(output).toMatch(/needs ENCRYPTION_KEYS key "test1" \(fingerprint [0-9a-f]{16}\), API_KEY_PEPPER \(fingerprint [0-9a-f]{16}\), which the target does not have; nothing was restored/);
    expect(output).not.toContain(source.encryptionKeys[0].key.toString('base64'));
    expect(await isEmpty(target)).toBe(true);
  });

  it('with the source keys: restores, and the API key and the encrypted fields work', async () => {
    const target = await emptyTarget();
    const env = { ...testEnv(target.dataDir), DATABASE_URL: target.databaseUrl, BACKUP_KEY };
    const { code, output } = await restoreCommand(archive, env);
    expect(output).toContain('Restored the');
    expect(code).toBe(0);
    const handle = target.databaseUrl ? undefined : await openPglite(join(target.dataDir, 'pglite'));
    const restored = await startTestApp({ database: handle, env: target.databaseUrl ? { DATABASE_URL: target.databaseUrl } : {} });
    try {
      const res = await bearerClient(restored, apiKey).get(`/v1/compliance/end-users/${endUserId}`).expect(200);
      expect(res.body).toMatchObject({ id: endUserId, date_of_birth: INDIVIDUAL_DE.date_of_birth });
    } finally {
      await restored.close();
    }
  });
});

describe('a field the keys cannot open', () => {
  it('is named by the start-up check first, then answers 500 encryption_key_mismatch naming the key id, not a bare internal error', async () => {
    const t = await startTestApp();
    let other: TestApp | undefined;
    try {
      const user = await seedUser(t, { apiKeysEnabled: true });
      const key = await seedApiKey(t, user.accountId);
      const id = (await bearerClient(t, key).post('/v1/compliance/end-users').send(INDIVIDUAL_DE).expect(201)).body.id;
      // A second instance on the same database, configured with another key under the same id.
      const lines: string[] = [];
      other = await startTestApp({
        env: { ENCRYPTION_KEYS: OTHER_KEY, LOG_LEVEL: 'error' },
        captureLogs: lines,
        database: t.config.databaseUrl ? undefined : { ...t.prisma.database, close: async () => undefined },
      });
      const startup = lines.map((l) => JSON.parse(l)).find((e) => /^ENCRYPTION_KEYS cannot open stored data encrypted under key "test1"/.test(e.msg));
      expect(startup).toMatchObject({ level: 'error', unreadable: expect.arrayContaining([expect.objectContaining({ kid: 'test1', reason: 'authentication_failed' })]) });
      const res = await bearerClient(other!, key).get(`/v1/compliance/end-users/${id}`).expect(500);
      expect(res.body.error).toMatchObject({ code: 'encryption_key_mismatch', message: expect.stringContaining('key "test1"'), request_id: expect.stringMatching(/^req_/) });
      expect(JSON.stringify(res.body)).not.toContain(INDIVIDUAL_DE.date_of_birth);
    } finally {
      await other?.close();
      await t.close();
    }
  });
});
