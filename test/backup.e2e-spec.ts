import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { type BackupConfig, restoreBackup, writeBackup } from '../src/backup/backup';
import { BackupDecryptor, BackupIntegrityError } from '../src/backup/backup-format';
import { ENCRYPTED_FIELDS, encryptionContext } from '../src/common/crypto/encrypted-fields';
import { EncryptionService } from '../src/common/crypto/encryption.service';
import { openPglite } from '../src/prisma/database';
import { openFromSnapshot } from '../src/prisma/pglite-snapshot';
import { seedUser, type SeededUser } from './support/seed';
import { startTestApp, type TestApp, usingPostgres } from './support/test-app';

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
