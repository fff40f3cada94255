import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { type BackupConfig, restoreBackup, writeBackup } from '../../src/data-protection/backup/backup';
import { BackupDecryptor, BackupIntegrityError } from '../../src/data-protection/backup/backup-format';
import { ENCRYPTED_FIELDS, encryptionContext } from '../../src/platform/crypto/encrypted-fields';
import { EncryptionService } from '../../src/platform/crypto/encryption.service';
import { openPglite } from '../../src/platform/database/database';
import { openFromSnapshot } from '../../src/platform/database/pglite-snapshot';
import { seedUser, type SeededUser } from '../support/seed';
import { startTestApp, type TestApp, testEnv, usingPostgres } from '../support/test-app';

const BACKUP_KEY = randomBytes(32);
const TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const TABLES = ['users', 'accounts', 'memberships', 'sessions', 'api_keys', 'cdrs', '_prisma_migrations'];

async function counts(query: (sql: string) => Promise<{ n: number }[]>): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const table of TABLES) result[table] = (await query(`SELECT count(*)::int AS n FROM ${table}`))[0].n;
  return result;
}

async function decryptArchive(file: string, key: Buffer): Promise<Buffer> {
  const chunks: Buffer[] = [];
  await pipeline(createReadStream(file), new BackupDecryptor(key), async function* (source: AsyncIterable<Buffer>) {
    for await (const c of source) chunks.push(c);
  });
  return Buffer.concat(chunks);
}

describe('encrypted backups: backup → restore into a fresh database', () => {
  let work: string;
  let archive: string;
  let user: SeededUser;
  let secretEnc: string;
  let before: Record<string, number>;
  let source: BackupConfig;
  let target: BackupConfig;
  let targetDb: string | null = null;
  let encryptionKeys: TestApp['config']['encryptionKeys'];

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'didhub-backup-'));
    archive = join(work, 'didhub.backup');
    const sourceHandle = usingPostgres() ? undefined : await openFromSnapshot(process.env.DIDHUB_TEST_SNAPSHOT!, join(work, 'source', 'pglite'));
    const t = await startTestApp({ database: sourceHandle });
    try {
      user = await seedUser(t);
      secretEnc = t.app.get(EncryptionService).encryptString(TOTP_SECRET, encryptionContext(ENCRYPTED_FIELDS.userMfaSecret, user.userId));
      await t.prisma.user.update({ where: { id: user.userId }, data: { mfaSecretEnc: secretEnc } });
      before = await counts((sql) => t.prisma.$queryRawUnsafe(sql));
      encryptionKeys = t.config.encryptionKeys;
    } finally {
      await t.close();
    }
    source = { databaseUrl: process.env.DATABASE_URL ?? null, dataDir: join(work, 'source'), backupKey: BACKUP_KEY, encryptionKeys };
    if (usingPostgres()) {
      targetDb = `didhub_restore_${randomBytes(4).toString('hex')}`;
      const admin = new Client({ connectionString: process.env.DIDHUB_TEST_SERVER_URL });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${targetDb}`);
      await admin.end();
      const url = new URL(process.env.DIDHUB_TEST_SERVER_URL!);
      url.pathname = `/${targetDb}`;
      target = { ...source, databaseUrl: url.toString(), dataDir: join(work, 'target') };
    } else {
      target = { ...source, dataDir: join(work, 'target') };
    }
    const progress: number[] = [];
    await writeBackup(source, archive, (bytes) => progress.push(bytes));
    expect(progress.length).toBeGreaterThan(0);
  });

  afterAll(async () => {
    if (targetDb) {
      const admin = new Client({ connectionString: process.env.DIDHUB_TEST_SERVER_URL });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${targetDb} WITH (FORCE)`);
      await admin.end();
    }
    rmSync(work, { recursive: true, force: true });
  });

  const targetIsEmpty = async (): Promise<boolean> => {
    if (!target.databaseUrl) return !existsSync(join(target.dataDir, 'pglite')) || readdirSync(join(target.dataDir, 'pglite')).length === 0;
    const client = new Client({ connectionString: target.databaseUrl });
    await client.connect();
    try {
      return (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`)).rows[0].n === 0;
    } finally {
      await client.end();
    }
  };

  it('writes an owner-only archive that reveals nothing and that the key opens', async () => {
    const bytes = readFileSync(archive);
    expect(statSync(archive).mode & 0o077).toBe(0);
    expect(bytes.subarray(0, 8).toString('ascii')).toBe('DIDHUBBK');
    expect(bytes.includes(Buffer.from(user.email))).toBe(false);
    expect((await decryptArchive(archive, BACKUP_KEY)).length).toBeGreaterThan(bytes.length / 2);
  });

  it('refuses an archive with one flipped byte, before writing anything', async () => {
    const bytes = readFileSync(archive);
    bytes[Math.floor(bytes.length / 2)] ^= 0x01;
    const tampered = join(work, 'tampered.backup');
    writeFileSync(tampered, bytes);
    await expect(restoreBackup(target, tampered)).rejects.toBeInstanceOf(BackupIntegrityError);
    expect(await targetIsEmpty()).toBe(true);
  });

  it('refuses a truncated archive and a wrong key, before writing anything', async () => {
    const bytes = readFileSync(archive);
    const truncated = join(work, 'truncated.backup');
    writeFileSync(truncated, bytes.subarray(0, bytes.length - 30));
    await expect(restoreBackup(target, truncated)).rejects.toBeInstanceOf(BackupIntegrityError);
    await expect(restoreBackup({ ...target, backupKey: randomBytes(32) }, archive)).rejects.toBeInstanceOf(BackupIntegrityError);
    expect(await targetIsEmpty()).toBe(true);
  });

  it('refuses a BACKUP_KEY equal to a data encryption key', async () => {
    await expect(writeBackup({ ...source, backupKey: encryptionKeys[0].key }, join(work, 'x.backup'))).rejects.toThrow(/must not be one of the ENCRYPTION_KEYS/);
  });

  it('restores the same rows; the app decrypts a sample and signs the user in', async () => {
    await restoreBackup(target, archive);
    const handle = target.databaseUrl ? undefined : await openPglite(join(target.dataDir, 'pglite'));
    const restored = await startTestApp({ database: handle, env: target.databaseUrl ? { DATABASE_URL: target.databaseUrl } : {} });
    try {
      expect(await counts((sql) => restored.prisma.$queryRawUnsafe(sql))).toEqual(before);
      const row = await restored.prisma.user.findUniqueOrThrow({ where: { id: user.userId }, select: { mfaSecretEnc: true } });
      // The encrypted column came back as the same ciphertext: it was never decrypted for the archive.
      expect(row.mfaSecretEnc).toBe(secretEnc);
      expect(restored.app.get(EncryptionService).decryptString(row.mfaSecretEnc!, encryptionContext(ENCRYPTED_FIELDS.userMfaSecret, user.userId))).toBe(TOTP_SECRET);
      await restored.http().post('/v1/auth/login').send({ email: user.email, password: user.password }).expect(200);
      // A restore never lands on a database that holds data.
      await expect(restoreBackup(target, archive)).rejects.toThrow(/not empty|already holds a database/);
    } finally {
      await restored.close();
    }
  });
});

// pg_dump and pg_restore exist only for PostgreSQL; the embedded database is dumped in-process.
if (usingPostgres()) {
  describe('pg_dump and pg_restore: the password never reaches a command line', () => {
    const suffix = randomBytes(4).toString('hex');
    const role = `didhub_bk_${suffix}`;
    // ':' and '@' must survive the URL (percent-encoded there) and reach libpq intact.
    const password = `Pw:${randomBytes(6).toString('hex')}@x`;
    const sourceDb = `didhub_bk_src_${suffix}`;
    const targetDb = `didhub_bk_dst_${suffix}`;
    const marker = `row-${randomBytes(6).toString('hex')}`;
    let work: string;
    let shims: string;
    let empty: string;
    let log: string;
    let savedPath: string | undefined;
    const urlOf = (db: string) => {
      const url = new URL(process.env.DIDHUB_TEST_SERVER_URL!);
      url.username = role;
      url.password = encodeURIComponent(password);
      url.pathname = `/${db}`;
      return url.toString();
    };
    // Source and target share their keys, as a real restore must (restore refuses otherwise).
    const sharedKeys = [{ kid: 'k1', key: randomBytes(32) }];
    const config = (db: string, dir: string): BackupConfig => ({
      databaseUrl: urlOf(db),
      dataDir: join(work, dir),
      backupKey: BACKUP_KEY,
      encryptionKeys: sharedKeys,
    });
    const admin = async (sql: string) => {
      const client = new Client({ connectionString: process.env.DIDHUB_TEST_SERVER_URL });
      await client.connect();
      try {
        await client.query(sql);
      } finally {
        await client.end();
      }
    };
    /** A pg_dump/pg_restore in front of the real one that records its own command line and environment names. */
    const shim = (tool: string, body: string) => {
      const file = join(shims, tool);
      writeFileSync(file, `#!/bin/sh\n{ echo "--- ${tool}"; tr '\\0' '\\n' < /proc/$$/cmdline; echo "--- env"; env | cut -d= -f1 | sort; ` +
        `printf 'pgpassword-sha256 '; printf %s "$PGPASSWORD" | sha256sum | cut -c1-64; } >> '${log}'\n${body}\n`, { mode: 0o755 });
    };
    const withPath = async <T>(path: string, run: () => Promise<T>): Promise<T> => {
      process.env.PATH = path;
      try {
        return await run();
      } finally {
        process.env.PATH = savedPath;
      }
    };

    beforeAll(async () => {
      savedPath = process.env.PATH;
      work = mkdtempSync(join(tmpdir(), 'didhub-backup-argv-'));
      shims = join(work, 'bin');
      empty = join(work, 'empty-bin');
      log = join(work, 'calls.log');
      for (const dir of [shims, empty]) mkdirSync(dir);
      for (const tool of ['pg_dump', 'pg_restore']) shim(tool, `exec '${execFileSync('which', [tool]).toString().trim()}' "$@"`);
      await admin(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
      await admin(`CREATE DATABASE ${sourceDb} OWNER ${role}`);
      await admin(`CREATE DATABASE ${targetDb} OWNER ${role}`);
      const client = new Client({ connectionString: urlOf(sourceDb) });
      await client.connect();
      await client.query('CREATE TABLE notes (body text)');
      await client.query('INSERT INTO notes VALUES ($1)', [marker]);
      await client.end();
    });

    afterAll(async () => {
      process.env.PATH = savedPath;
      for (const db of [sourceDb, targetDb]) await admin(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
      await admin(`DROP ROLE IF EXISTS ${role}`);
      rmSync(work, { recursive: true, force: true });
    });

    it('backup and restore give the password through PGPASSWORD only; the tools inherit none of the app secrets', async () => {
      const file = join(work, 'role.backup');
      await withPath(`${shims}:${savedPath}`, () => writeBackup(config(sourceDb, 's'), file));
      await withPath(`${shims}:${savedPath}`, () => restoreBackup(config(targetDb, 't'), file));

      const client = new Client({ connectionString: urlOf(targetDb) });
      await client.connect();
      const { rows } = await client.query<{ body: string }>('SELECT body FROM notes');
      await client.end();
      expect(rows).toEqual([{ body: marker }]);

      const calls = readFileSync(log, 'utf8');
      // Each tool ran twice: `--version` (the major-version check), then the real run.
      for (const tool of ['pg_dump', 'pg_restore']) expect(calls.split(`--- ${tool}\n`)).toHaveLength(3);
      expect(calls).not.toContain(password);
      expect(calls).not.toContain(encodeURIComponent(password));
      expect(calls).toContain(`${role}@`);
      expect(calls).toMatch(new RegExp(`--dbname\\npostgres(ql)?://${role}@[^\\n]*/${sourceDb}\\n`));
      expect(calls).toMatch(new RegExp(`--dbname\\npostgres(ql)?://${role}@[^\\n]*/${targetDb}\\n`));
      const envNames = new Set(calls.split('\n'));
      expect(envNames.has('PGPASSWORD')).toBe(true);
      for (const secret of ['DATABASE_URL', 'BACKUP_KEY', 'ENCRYPTION_KEYS', 'SESSION_SECRET', 'API_KEY_PEPPER', 'ADMIN_API_TOKEN']) {
        expect(envNames.has(secret)).toBe(false);
      }
      const digest = createHash('sha256').update(password).digest('hex');
      // The real runs (not the `--version` checks) had the right password in PGPASSWORD.
      expect(calls.match(/pgpassword-sha256 \w+/g)!.filter((line) => line.endsWith(digest))).toHaveLength(2);
    });

    it('a missing pg_dump is named in one line with how to install it; the URL is never printed', async () => {
      const file = join(work, 'missing.backup');
      const error = await withPath(empty, () => writeBackup(config(sourceDb, 'm'), file)).catch((e: Error) => e);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(/^pg_dump was not found on PATH: install the PostgreSQL \d+ client tools \(Debian\/Ubuntu: apt-get install postgresql-client-\d+/);
      expect(existsSync(file) || existsSync(`${file}.partial`)).toBe(false);

      // The command itself: exit 1, one line on stderr, nothing of the URL or password anywhere.
      const dataDir = join(work, 'cli-data');
      mkdirSync(dataDir);
      const env = testEnv(dataDir, { DATABASE_URL: urlOf(sourceDb), BACKUP_KEY: BACKUP_KEY.toString('base64'), PATH: empty });
      const outcome = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, ['-r', join(__dirname, '../support/ts-register.js'), join(__dirname, '../../src/data-protection/backup/backup.command.ts'), file], {
          cwd: work,
          env,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });
      expect(outcome.code).toBe(1);
      expect(outcome.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^backup failed: pg_dump was not found on PATH: install the PostgreSQL \d+ client tools/)]);
      for (const secret of [password, encodeURIComponent(password), sourceDb]) expect(outcome.stdout + outcome.stderr).not.toContain(secret);
    }, 60_000);

    it('a pg_dump of another major version than the server is refused before it runs', async () => {
      const other = join(work, 'old-bin');
      mkdirSync(other);
      writeFileSync(join(other, 'pg_dump'), `#!/bin/sh\necho "pg_dump (PostgreSQL) 9.6.24"\n`, { mode: 0o755 });
      const error = await withPath(`${other}:${savedPath}`, () => writeBackup(config(sourceDb, 'v'), join(work, 'old.backup'))).catch((e: Error) => e);
      expect((error as Error).message).toMatch(/^pg_dump is version 9 but the server runs PostgreSQL \d+: install the PostgreSQL \d+ client tools/);
      expect((error as Error).message).not.toContain(password);
    });
  });
}
