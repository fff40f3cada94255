import { createReadStream, createWriteStream, existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable, Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import type { AppConfig } from '../../platform/config/config.types';
import { openPglite } from '../../platform/database/database';
import { secureDataDir } from '../../platform/database/data-dir';
import { BackupDecryptor, BackupEncryptor, BackupIntegrityError, type BackupKind } from './backup-format';
import { exitOf, spawnPgClientTool } from './pg-client-tool';
import { type KeyManifest, keyManifestOf, MissingKeysError, missingKeys } from './key-manifest';

export type BackupConfig = Pick<AppConfig, 'databaseUrl' | 'dataDir' | 'backupKey' | 'encryptionKeys'> & Partial<Pick<AppConfig, 'apiKeyPepper'>>;
export type Progress = (bytes: number, done: boolean) => void;

/** The BACKUP_KEY, refused when missing or equal to a data key: one leaked key must not open both. */
function backupKeyOf(config: BackupConfig): Buffer {
  if (!config.backupKey) throw new Error('BACKUP_KEY is not set (base64 of 32 random bytes, kept apart from ENCRYPTION_KEYS)');
  if (config.encryptionKeys.some((k) => k.key.equals(config.backupKey!))) {
    throw new Error('BACKUP_KEY must not be one of the ENCRYPTION_KEYS');
  }
  return config.backupKey;
}

function counter(onProgress: Progress): Transform {
  let bytes = 0;
  return new Transform({
    transform(chunk: Buffer, _e, callback) {
      bytes += chunk.length;
      onProgress(bytes, false);
      callback(null, chunk);
    },
    flush(callback) {
      onProgress(bytes, true);
      callback();
    },
  });
}

/**
 * Writes an encrypted archive of the whole database to `file` (via `<file>.partial`, renamed
 * when complete; mode 0600). PostgreSQL: a `pg_dump` custom-format stream. Embedded: PGlite's
 * data-directory dump, which needs the directory's lock (so the server must be stopped).
 * Encrypted columns stay as they are: ciphertext inside a ciphertext.
 */
export async function writeBackup(config: BackupConfig, file: string, onProgress: Progress = () => undefined): Promise<BackupKind> {
  const key = backupKeyOf(config);
  const partial = `${file}.partial`;
  const kind: BackupKind = config.databaseUrl ? 'postgres' : 'embedded';
  try {
    const out = createWriteStream(partial, { mode: 0o600 });
    if (config.databaseUrl) {
      await streamPgDump(config.databaseUrl, new BackupEncryptor(key, kind, keyManifestOf(config)), counter(onProgress), out);
    } else {
      const handle = await openPglite(join(config.dataDir, 'pglite'));
      let dump: Blob;
      try {
        dump = await handle.db.dumpDataDir('gzip');
      } finally {
        await handle.close();
      }
      await pipeline(Readable.fromWeb(dump.stream() as never), counter(onProgress), new BackupEncryptor(key, kind, keyManifestOf(config)), out);
    }
    renameSync(partial, file);
    return kind;
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  }
}

async function streamPgDump(url: string, encryptor: Transform, progress: Transform, out: Writable): Promise<void> {
  const dump = await spawnPgClientTool('pg_dump', url, ['--format=custom', '--no-owner', '--no-privileges'], ['ignore', 'pipe', 'pipe']);
  const stderr: Buffer[] = [];
  dump.stderr!.on('data', (c: Buffer) => stderr.push(c));
  const exited = exitOf(dump, 'pg_dump');
  // Awaited below; heard from now on so a failed start never surfaces as an unhandled rejection.
  exited.catch(() => undefined);
  try {
    await pipeline(dump.stdout!, progress, encryptor, out);
  } catch (error) {
    dump.kill('SIGKILL');
    await exited.catch(() => undefined);
    throw error;
  }
  const code = await exited;
  if (code !== 0) throw new Error(`pg_dump failed (exit ${code}): ${Buffer.concat(stderr).toString('utf8').trim().slice(0, 500)}`);
}

/** Reads the whole archive, authenticating every record; throws BackupIntegrityError otherwise. */
async function verifyArchive(file: string, key: Buffer): Promise<{ kind: BackupKind; manifest: Partial<KeyManifest> | null }> {
  const decryptor = new BackupDecryptor(key);
  const sink = new PassThrough();
  sink.resume();
  await pipeline(createReadStream(file), decryptor, sink);
  return { kind: decryptor.kind!, manifest: decryptor.manifest as Partial<KeyManifest> | null };
}

/**
 * Restores `file` into an empty database (the configured one). The archive is verified end to
 * end first: a damaged, altered or wrongly keyed archive is refused before anything is written.
 * PostgreSQL: `pg_restore --single-transaction`, so a failure in the second pass leaves nothing
 * either. Embedded: the data directory must not exist yet.
 */
export async function restoreBackup(config: BackupConfig, file: string, onProgress: Progress = () => undefined): Promise<BackupKind> {
  const key = backupKeyOf(config);
  const target: BackupKind = config.databaseUrl ? 'postgres' : 'embedded';
  if (config.databaseUrl) await assertEmptyPostgres(config.databaseUrl);
  else assertEmptyDataDir(join(config.dataDir, 'pglite'));

  const { kind, manifest } = await verifyArchive(file, key);
  // Restored data the target's keys cannot open is worse than no restore: every key 401, every encrypted field a 5xx.
  const missing = manifest ? missingKeys(manifest, config) : [];
  if (missing.length) throw new MissingKeysError(missing);
  if (kind !== target) throw new Error(`this is a ${kind} backup; restore it into a ${kind === 'postgres' ? 'PostgreSQL (DATABASE_URL)' : 'embedded (no DATABASE_URL)'} database`);

  if (config.databaseUrl) {
    await streamPgRestore(config.databaseUrl, file, key, counter(onProgress));
  } else {
    const chunks: Buffer[] = [];
    await pipeline(createReadStream(file), new BackupDecryptor(key), counter(onProgress), async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) chunks.push(chunk);
    });
    secureDataDir(config.dataDir);
    const handle = await openPglite(join(config.dataDir, 'pglite'), { loadDataDir: new Blob(chunks) });
    await handle.close();
  }
  return kind;
}

async function streamPgRestore(url: string, file: string, key: Buffer, progress: Transform): Promise<void> {
  const restore = await spawnPgClientTool('pg_restore', url, ['--single-transaction', '--exit-on-error', '--no-owner', '--no-privileges'], [
    'pipe',
    'ignore',
    'pipe',
  ]);
  const stderr: Buffer[] = [];
  restore.stderr!.on('data', (c: Buffer) => stderr.push(c));
  const exited = exitOf(restore, 'pg_restore');
  exited.catch(() => undefined);
  try {
    await pipeline(createReadStream(file), new BackupDecryptor(key), progress, restore.stdin!);
  } catch (error) {
    // The archive changed between the passes (or pg_restore could not start): stop it before it commits.
    restore.kill('SIGKILL');
    await exited.catch(() => undefined);
    throw error instanceof BackupIntegrityError ? error : new Error(`restore failed: ${(error as Error).message}`);
  }
  const code = await exited;
  if (code !== 0) throw new Error(`pg_restore failed (exit ${code}): ${Buffer.concat(stderr).toString('utf8').trim().slice(0, 500)}`);
}

async function assertEmptyPostgres(url: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`);
    if (rows[0].n > 0) throw new Error('the target database is not empty; restore into a new, empty database');
  } finally {
    await client.end();
  }
}

function assertEmptyDataDir(dir: string): void {
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new Error(`${dir} already holds a database; restore into a new, empty DATA_DIR`);
  }
}
