import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { openPglite, type PgliteHandle } from './database';
import { applyMigrations, type MigrationOptions } from './migration-runner';

/**
 * Migrates a fresh in-memory PGlite once and writes its data directory as a tar file to
 * `snapshotFile`. Creating and migrating a PGlite database takes seconds; loading this takes
 * well under one, so test suites each get their own database cheaply.
 */
export async function createMigratedSnapshot(snapshotFile: string, options: MigrationOptions = {}): Promise<string[]> {
  const handle = await openPglite();
  try {
    const applied = await applyMigrations(handle, options);
    // Uncompressed: gzip would cost more time on every load than the disk space is worth.
    const dump = await handle.db.dumpDataDir('none');
    await mkdir(dirname(snapshotFile), { recursive: true });
    await writeFile(snapshotFile, Buffer.from(await dump.arrayBuffer()));
    return applied;
  } finally {
    await handle.close();
  }
}

/** A new database loaded from a snapshot: in memory, or in `dataDir` (which must not hold one yet). */
export async function openFromSnapshot(snapshotFile: string, dataDir?: string): Promise<PgliteHandle> {
  return openPglite(dataDir, { loadDataDir: new Blob([await readFile(snapshotFile)]) });
}
