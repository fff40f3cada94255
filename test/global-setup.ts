import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { applyMigrations } from '../src/platform/database/migration-runner';
import { openPostgres } from '../src/platform/database/database';
import { createMigratedSnapshot } from '../src/platform/database/pglite-snapshot';

/**
 * Picks the database for this run.
 * - DATABASE_URL set: it names a PostgreSQL server; a fresh database is created on it for this
 *   run, migrated, and dropped by global-teardown. Suites share it, each seeding its own accounts.
 * - unset: one migrated PGlite snapshot; every suite loads its own copy in memory.
 */
export default async function globalSetup(): Promise<void> {
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl) {
    const name = `didhub_test_${Date.now()}_${randomBytes(3).toString('hex')}`;
    const admin = new Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    process.env.DIDHUB_TEST_SERVER_URL = serverUrl;
    process.env.DIDHUB_TEST_DATABASE = name;
    process.env.DATABASE_URL = url.toString();
    const handle = openPostgres(url.toString());
    try {
      await applyMigrations(handle);
    } finally {
      await handle.close();
    }
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'didhub-test-'));
  const snapshot = join(dir, 'migrated.tar');
  await createMigratedSnapshot(snapshot);
  process.env.DIDHUB_TEST_SNAPSHOT = snapshot;
}
