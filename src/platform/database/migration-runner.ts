import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { DiagnoseMigrationHistoryOutput, SchemaFilter } from '@prisma/schema-engine-wasm';
import { type DatabaseHandle, openPglite } from './database';
import {
  defaultMigrationsDir,
  defaultSchemaPath,
  LOCKFILE_CONTENT,
  LOCKFILE_NAME,
  readMigrationList,
} from './migrations-dir';
import { engineErrorMessage, withSchemaEngine } from './schema-engine';

export interface MigrationOptions {
  /** Defaults to `<project root>/prisma/migrations`. */
  migrationsDir?: string;
}

export interface CreateMigrationOptions extends MigrationOptions {
  /** Defaults to `<project root>/prisma/schema.prisma`. */
  schemaPath?: string;
  /** Defaults to now; fixes the directory's timestamp prefix. */
  now?: Date;
}

export interface MigrationStatus {
  /** Recorded as finished in `_prisma_migrations`, oldest first. */
  applied: string[];
  /** In the migrations folder, not yet applied. */
  pending: string[];
  /** Started but never finished (and not marked rolled back): deploys refuse to run. */
  failed: string[];
  /** Applied, but migration.sql has changed since (checksum mismatch). */
  edited: string[];
  /** Applied to the database but absent from the migrations folder. */
  missingFromDirectory: string[];
}

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

/** Distinct from the engine's own key (72707369), which it takes on a pooled connection. */
export const MIGRATION_LOCK_KEY = 0x6469_6468_7562_6d67n;

const NO_FILTERS: SchemaFilter = { externalTables: [], externalEnums: [] };

/**
 * Applies pending migrations like `prisma migrate deploy`, one runner at a time across
 * instances. Each migration.sql runs as one transaction, so a failing one changes nothing; it
 * is then marked rolled back (as `migrate resolve --rolled-back` would) and this rejects.
 */
export async function applyMigrations(handle: DatabaseHandle, options: MigrationOptions = {}): Promise<string[]> {
  const migrationsList = await readMigrationList(options.migrationsDir ?? defaultMigrationsDir());

  return handle.withAdvisoryLock(MIGRATION_LOCK_KEY, () =>
    withSchemaEngine(handle, async (engine) => {
      const before = await engine.diagnoseMigrationHistory({ migrationsList, optInToShadowDatabase: false, filters: NO_FILTERS });
      if (before.failedMigrationNames.length) {
        throw new MigrationError(
          `migrations ${before.failedMigrationNames.join(', ')} failed earlier and may be partly applied; ` +
            'fix the database, then mark them rolled back or applied before starting again',
        );
      }
      try {
        const { appliedMigrationNames } = await engine.applyMigrations({ migrationsList, filters: NO_FILTERS });
        return appliedMigrationNames;
      } catch (error) {
        const after = await engine.diagnoseMigrationHistory({ migrationsList, optInToShadowDatabase: false, filters: NO_FILTERS });
        // Our executeScript is atomic, so the failed migration left nothing behind: record that,
        // and a corrected migration.sql is applied on the next start.
        for (const migrationName of after.failedMigrationNames) {
          await engine.markMigrationRolledBack({ migrationName });
        }
        const which = after.failedMigrationNames.length ? ` ${after.failedMigrationNames.join(', ')}` : '';
        throw new MigrationError(`migration${which} failed and was rolled back: ${engineErrorMessage(error)}`, {
          cause: error,
        });
      }
    }),
  );
}

export async function migrationStatus(handle: DatabaseHandle, options: MigrationOptions = {}): Promise<MigrationStatus> {
  const migrationsList = await readMigrationList(options.migrationsDir ?? defaultMigrationsDir());
  const diagnosis = await withSchemaEngine(handle, (engine) =>
    engine.diagnoseMigrationHistory({ migrationsList, optInToShadowDatabase: false, filters: NO_FILTERS }),
  );
  const applied = diagnosis.hasMigrationsTable
    ? (
        await handle.query<{ migration_name: string }>(
          `SELECT migration_name FROM _prisma_migrations
           WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL
           ORDER BY finished_at, migration_name`,
        )
      ).map((row) => row.migration_name)
    : [];
  return { applied, ...historyLists(diagnosis) };
}

function historyLists(diagnosis: DiagnoseMigrationHistoryOutput): Omit<MigrationStatus, 'applied'> {
  const history = diagnosis.history;
  return {
    pending: history && 'unappliedMigrationNames' in history ? history.unappliedMigrationNames : [],
    failed: diagnosis.failedMigrationNames,
    edited: diagnosis.editedMigrationNames,
    missingFromDirectory: history && 'unpersistedMigrationNames' in history ? history.unpersistedMigrationNames : [],
  };
}

/**
 * Writes `<timestamp>_<name>/migration.sql` with the SQL that takes the existing migrations to
 * schema.prisma, or returns null when there is nothing to change. The existing migrations are
 * replayed into a scratch in-memory PGlite: the wasm engine has no shadow database, and
 * diffing from a real database would replay them into it.
 */
export async function createMigration(
  name: string,
  options: CreateMigrationOptions = {},
): Promise<{ name: string; path: string } | null> {
  const slug = name.trim().toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 200);
  if (!slug) throw new MigrationError('a migration needs a name made of letters or digits');

  const migrationsDir = options.migrationsDir ?? defaultMigrationsDir();
  const schemaPath = options.schemaPath ?? defaultSchemaPath();
  const schemaFiles = [{ path: schemaPath, content: await readFile(schemaPath, 'utf8') }];
  const migrationsList = await readMigrationList(migrationsDir);

  const scratch = await openPglite();
  let script: string;
  try {
    script = await withSchemaEngine(scratch, async (engine) => {
      await engine.applyMigrations({ migrationsList, filters: NO_FILTERS });
      const diff = await engine.diff({
        from: { tag: 'schemaDatasource', files: schemaFiles, configDir: dirname(schemaPath) },
        to: { tag: 'schemaDatamodel', files: schemaFiles },
        script: true,
        exitCode: null,
        filters: NO_FILTERS,
      });
      return diff.stdout ?? '';
    });
  } finally {
    await scratch.close();
  }

  if (isEmptyScript(script)) return null;

  const directory = `${timestamp(options.now ?? new Date())}_${slug}`;
  const path = join(migrationsDir, directory, 'migration.sql');
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, script.endsWith('\n') ? script : `${script}\n`);
  await writeFile(join(migrationsDir, LOCKFILE_NAME), LOCKFILE_CONTENT, { flag: 'wx' }).catch((error) => {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  });
  return { name: directory, path };
}

function isEmptyScript(script: string): boolean {
  return script
    .split('\n')
    .map((line) => line.trim())
    .every((line) => line === '' || line.startsWith('--'));
}

function timestamp(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}
