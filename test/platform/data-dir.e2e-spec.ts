import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exposedPaths } from '../../src/platform/database/data-dir';
import { openPglite, type PgliteHandle } from '../../src/platform/database/database';
import { serverEnv, startServerProcess } from '../support/server-process';

describe('the embedded data directory', () => {
  let dataDir: string;
  let handle: PgliteHandle | null = null;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'didhub-datadir-'));
    // Another process holding the database: this test process.
    handle = await openPglite(join(dataDir, 'pglite'));
    await handle.query('CREATE TABLE probe (x int)');
  });
  afterAll(async () => {
    await handle?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('holds no group- or world-accessible file, even for files PGlite creates while open', () => {
    expect(exposedPaths(dataDir)).toEqual([]);
  });

  it('refuses a second process with a clear message naming the holder', async () => {
    const env = serverEnv(dataDir, { DATABASE_URL: '' });
    await expect(startServerProcess(env)).rejects.toThrow(
      `the embedded database is in use by PID ${process.pid}; stop the server or use the operator API`,
    );
  });
});
