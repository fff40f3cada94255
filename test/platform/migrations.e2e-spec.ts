import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test } from '@nestjs/testing';
import { Pool } from 'pg';
import { ConfigModule } from '../../src/platform/config/config.module';
import { createLogger } from '../../src/platform/logging/logger';
import { LoggingModule } from '../../src/platform/logging/logging.module';
import type { AppConfig } from '../../src/platform/config/config.types';
import { type DatabaseHandle, openPglite, openPostgres } from '../../src/platform/database/database';
import { applyMigrations, createMigration, migrationStatus } from '../../src/platform/database/migration-runner';
import { createMigratedSnapshot, openFromSnapshot } from '../../src/platform/database/pglite-snapshot';
import { PrismaModule } from '../../src/platform/database/prisma.module';
import { PrismaService } from '../../src/platform/database/prisma.service';

/** Set by the run to a throwaway PostgreSQL database; without it everything runs on PGlite. */
const serverUrl = process.env.DATABASE_URL ?? null;
const engine = serverUrl ? 'PostgreSQL' : 'PGlite';

const MIGRATIONS: Record<string, string> = {
  '20240101000000_accounts': 'CREATE TABLE accounts (id text PRIMARY KEY, name text NOT NULL);\n',
  // A $$ body and a ';' inside a string: a naive split on ';' would break both.
  '20240102000000_touch_fn': [
    "CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL DEFAULT 'a;b');",
    'CREATE FUNCTION touch_note() RETURNS trigger AS $$ BEGIN NEW.body := NEW.body || \';\'; RETURN NEW; END; $$ LANGUAGE plpgsql;',
    '',
  ].join('\n'),
};

const BROKEN = '20240103000000_broken';
const BROKEN_SQL = 'CREATE TABLE half_done (id int);\nSELECT * FROM table_that_does_not_exist;\n';

let workDir: string;
const openHandles: DatabaseHandle[] = [];
const createdDatabases: string[] = [];
let adminPool: Pool | null = null;

async function writeMigrations(dir: string, migrations: Record<string, string>): Promise<string> {
  for (const [name, sql] of Object.entries(migrations)) {
    await mkdir(join(dir, name), { recursive: true });
    await writeFile(join(dir, name, 'migration.sql'), sql);
  }
  await writeFile(join(dir, 'migration_lock.toml'), 'provider = "postgresql"\n');
  return dir;
}

/** A fresh empty database; on PostgreSQL its URL, so a test can open several handles on it. */
async function freshDatabase(): Promise<{ open(): Promise<DatabaseHandle> }> {
  if (serverUrl) {
    const name = `didhub_t_${randomBytes(6).toString('hex')}`;
    await adminPool!.query(`CREATE DATABASE ${name}`);
    createdDatabases.push(name);
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    return { open: async () => track(openPostgres(url.toString())) };
  }
  const dir = join(workDir, `pglite-${randomBytes(4).toString('hex')}`);
  let handle: Promise<DatabaseHandle> | null = null;
  // One PGlite per directory per process: every open() shares the same instance.
  return { open: () => (handle ??= openPglite(dir).then(track)) };
}

function track(handle: DatabaseHandle): DatabaseHandle {
  openHandles.push(handle);
  return handle;
}

async function tableExists(handle: DatabaseHandle, table: string): Promise<boolean> {
  const [row] = await handle.query<{ present: boolean }>('SELECT to_regclass($1) IS NOT NULL AS present', [table]);
  return row.present;
}

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'didhub-migrations-'));
  if (serverUrl) adminPool = new Pool({ connectionString: serverUrl, max: 1 });
});

afterAll(async () => {
  await Promise.all(openHandles.map((h) => h.close()));
  for (const name of createdDatabases) await adminPool!.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await adminPool?.end();
  rmSync(workDir, { recursive: true, force: true });
});

describe(`migrations on ${engine}`, () => {
  it('applies each migration once when two instances start together', async () => {
    const dir = await writeMigrations(join(workDir, 'concurrent'), MIGRATIONS);
    const db = await freshDatabase();
    const [first, second] = [await db.open(), await db.open()];

    const started = Date.now();
    const results = await Promise.all([
      applyMigrations(first, { migrationsDir: dir }),
      applyMigrations(second, { migrationsDir: dir }),
    ]);
    console.log(`${engine}: two concurrent runners, 2 migrations: ${Date.now() - started} ms`);

    expect(results.flat().sort()).toEqual(Object.keys(MIGRATIONS).sort());
    const rows = await first.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
      'SELECT migration_name, checksum, finished_at FROM _prisma_migrations ORDER BY migration_name',
    );
    expect(rows.map((r) => r.migration_name)).toEqual(Object.keys(MIGRATIONS).sort());
    for (const row of rows) {
      expect(row.finished_at).not.toBeNull();
      expect(row.checksum).toBe(createHash('sha256').update(MIGRATIONS[row.migration_name]).digest('hex'));
    }
    const [note] = await first.query<{ body: string }>('INSERT INTO notes DEFAULT VALUES RETURNING body');
    expect(note.body).toBe('a;b');

    await expect(applyMigrations(second, { migrationsDir: dir })).resolves.toEqual([]);
    if (serverUrl) {
      // The engine's own session lock must not outlive the run, or the next instance stalls.
      const held = await first.query(
        `SELECT 1 FROM pg_locks l JOIN pg_database d ON d.oid = l.database
         WHERE l.locktype = 'advisory' AND d.datname = current_database()`,
      );
      expect(held).toEqual([]);
    }
  });

  it('reports pending migrations, then applied ones', async () => {
    const dir = await writeMigrations(join(workDir, 'status'), MIGRATIONS);
    const handle = await (await freshDatabase()).open();

    const before = await migrationStatus(handle, { migrationsDir: dir });
    expect(before).toEqual({
      applied: [],
      pending: Object.keys(MIGRATIONS),
      failed: [],
      edited: [],
      missingFromDirectory: [],
    });

    await applyMigrations(handle, { migrationsDir: dir });
    const after = await migrationStatus(handle, { migrationsDir: dir });
    expect(after).toEqual({ applied: Object.keys(MIGRATIONS), pending: [], failed: [], edited: [], missingFromDirectory: [] });
  });

  it('leaves the database as it was when a migration fails, and applies it once fixed', async () => {
    const dir = await writeMigrations(join(workDir, 'failing'), { ...MIGRATIONS, [BROKEN]: BROKEN_SQL });
    const handle = await (await freshDatabase()).open();

    await expect(applyMigrations(handle, { migrationsDir: dir })).rejects.toThrow(/20240103000000_broken/);

    expect(await tableExists(handle, 'accounts')).toBe(true);
    expect(await tableExists(handle, 'half_done')).toBe(false);
    const status = await migrationStatus(handle, { migrationsDir: dir });
    expect(status.applied).toEqual(Object.keys(MIGRATIONS));
    expect(status.pending).toEqual([BROKEN]);
    expect(status.failed).toEqual([]);

    await writeFile(join(dir, BROKEN, 'migration.sql'), 'CREATE TABLE half_done (id int);\n');
    await expect(applyMigrations(handle, { migrationsDir: dir })).resolves.toEqual([BROKEN]);
    expect(await tableExists(handle, 'half_done')).toBe(true);
  });

  it('serves Prisma queries over the same handle the migrations ran on', async () => {
    const dir = await writeMigrations(join(workDir, 'client'), MIGRATIONS);
    const handle = await (await freshDatabase()).open();
    await applyMigrations(handle, { migrationsDir: dir });

    const prisma = new PrismaService(handle);
    await prisma.$executeRawUnsafe(`INSERT INTO accounts (id, name) VALUES ('acct_1', 'Acme')`);
    const rows = await prisma.$queryRawUnsafe<{ name: string }[]>('SELECT name FROM accounts');
    expect(rows).toEqual([{ name: 'Acme' }]);
    await prisma.onModuleDestroy();
  });
});

describe('PrismaModule start-up', () => {
  const config = { databaseUrl: null, dataDir: '/nonexistent', logLevel: 'silent' } as AppConfig;

  it('migrates before PrismaService exists, and refuses to start when a migration fails', async () => {
    const good = await writeMigrations(join(workDir, 'module-good'), MIGRATIONS);
    const handle = await (await freshDatabase()).open();
    const app = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(config), LoggingModule.forRoot(createLogger(config)), PrismaModule.forRoot({ handle, migrationsDir: good })],
    }).compile();
    const prisma = app.get(PrismaService);
    expect(await prisma.$queryRawUnsafe('SELECT id FROM accounts')).toEqual([]);
    await app.close();

    const bad = await writeMigrations(join(workDir, 'module-bad'), { ...MIGRATIONS, [BROKEN]: BROKEN_SQL });
    const second = await (await freshDatabase()).open();
    await expect(
      Test.createTestingModule({
        imports: [ConfigModule.forRoot(config), LoggingModule.forRoot(createLogger(config)), PrismaModule.forRoot({ handle: second, migrationsDir: bad })],
      }).compile(),
    ).rejects.toThrow(/failed and was rolled back/);
  });
});

describe('creating a migration from schema.prisma', () => {
  it('writes the SQL that takes the existing migrations to the schema, and nothing when in sync', async () => {
    const dir = join(workDir, 'new-migration');
    const schemaPath = join(workDir, 'schema.prisma');
    await writeFile(
      schemaPath,
      [
        'datasource db {',
        '  provider = "postgresql"',
        '}',
        'model Widget {',
        '  id   String @id',
        '  name String @unique',
        '  @@map("widgets")',
        '}',
        '',
      ].join('\n'),
    );

    const started = Date.now();
    const created = await createMigration('Add widgets!', { migrationsDir: dir, schemaPath, now: new Date('2024-05-06T07:08:09Z') });
    console.log(`createMigration: ${Date.now() - started} ms`);
    expect(created?.name).toBe('20240506070809_add_widgets');
    const sql = await readFile(created!.path, 'utf8');
    expect(sql).toContain('CREATE TABLE "widgets"');
    expect(sql).not.toContain('_prisma_migrations');
    expect(existsSync(join(dir, 'migration_lock.toml'))).toBe(true);

    await expect(createMigration('again', { migrationsDir: dir, schemaPath })).resolves.toBeNull();
  });
});

describe('PGlite snapshots', () => {
  it('gives each opener its own migrated database', async () => {
    const dir = await writeMigrations(join(workDir, 'snapshot'), MIGRATIONS);
    const snapshot = join(workDir, 'snapshot.tar');

    let started = Date.now();
    expect(await createMigratedSnapshot(snapshot, { migrationsDir: dir })).toEqual(Object.keys(MIGRATIONS));
    console.log(`createMigratedSnapshot: ${Date.now() - started} ms`);

    started = Date.now();
    const a = track(await openFromSnapshot(snapshot, join(workDir, 'from-snapshot-a')));
    console.log(`openFromSnapshot (directory): ${Date.now() - started} ms`);
    started = Date.now();
    const b = track(await openFromSnapshot(snapshot));
    console.log(`openFromSnapshot (memory): ${Date.now() - started} ms`);

    await a.query(`INSERT INTO accounts (id, name) VALUES ('acct_a', 'A')`);
    expect(await b.query('SELECT * FROM accounts')).toEqual([]);
    expect((await migrationStatus(b, { migrationsDir: dir })).pending).toEqual([]);
  });
});
