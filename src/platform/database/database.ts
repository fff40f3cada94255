import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import type {
  SqlDriverAdapter,
  SqlDriverAdapterFactory,
  SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import { Pool } from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import type { AppConfig, DatabasePoolConfig } from '../config/config.types';
import { keepPrivate, lockDataDir, secureDataDir } from './data-dir';

export type DatabaseKind = 'postgres' | 'pglite';

/**
 * One opened database, shared by the PrismaClient and the migration runner. PGlite allows a
 * single instance per data directory per process, so everything goes through this handle.
 */
export interface DatabaseHandle {
  readonly kind: DatabaseKind;
  /** Adapter factory for `new PrismaClient({ adapter })`. */
  clientAdapter(): SqlDriverAdapterFactory;
  /**
   * Lends the schema engine an adapter factory (atomic scripts, no shadow database) for the
   * duration of `fn`, then releases whatever connections it used.
   */
  withMigrationAdapter<T>(fn: (factory: SqlMigrationAwareDriverAdapterFactory) => Promise<T>): Promise<T>;
  /** Plain SQL outside Prisma (advisory locks, tests). */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /**
   * The lean path for the few hot queries (authentication, the CDR page), for repositories
   * only: on PostgreSQL a named statement on the pool Prisma's adapter uses, parsed and planned
   * once per connection; on PGlite the same SQL as a plain query. A `name` always stands for
   * the same `text` (PostgreSQL holds it per connection); see PreparedStatement.
   */
  prepared<T>(statement: PreparedStatement, values: unknown[]): Promise<T[]>;
  /**
   * Runs `fn` while holding a PostgreSQL session advisory lock on a dedicated connection.
   * On PGlite (one connection, one process) an in-process queue gives the same exclusion.
   */
  withAdvisoryLock<T>(key: bigint, fn: () => Promise<T>): Promise<T>;
  /**
   * Like withAdvisoryLock, but gives up at once when someone else holds the lock
   * (pg_try_advisory_lock). On PGlite the holder is this process, so an in-process flag suffices.
   */
  tryAdvisoryLock<T>(key: bigint, fn: () => Promise<T>): Promise<{ acquired: true; value: T } | { acquired: false }>;
  close(): Promise<void>;
  /** PostgreSQL: the main pool's connections now (metrics); absent on PGlite, which has no pool. */
  readonly poolStats?: () => { total: number; idle: number; waiting: number };
}

/** A hot query's SQL ($1, $2... parameters) and its statement name, built once. */
export interface PreparedStatement {
  readonly name: string;
  readonly text: string;
}

export type PostgresHandle = DatabaseHandle & {
  readonly kind: 'postgres';
  readonly pool: Pool;
  /** A separate small pool for long COPY exports, so slow readers cannot starve `pool`. */
  readonly exportPool: Pool;
};
export type PgliteHandle = DatabaseHandle & { readonly kind: 'pglite'; readonly db: PGlite };

export type PoolOptions = Pick<DatabasePoolConfig, 'size' | 'acquireTimeoutMs' | 'exportPoolSize'>;

const DEFAULT_POOLS: PoolOptions = { size: 10, acquireTimeoutMs: 3000, exportPoolSize: 3 };

/** PostgreSQL when DATABASE_URL is set, otherwise embedded PGlite under `<dataDir>/pglite`. */
export async function openDatabase(config: Pick<AppConfig, 'databaseUrl' | 'dataDir'> & { pools?: PoolOptions }): Promise<DatabaseHandle> {
  if (config.databaseUrl !== null) return openPostgres(config.databaseUrl, config.pools);
  return openPglite(join(config.dataDir, 'pglite'));
}

/** adapter-pg is typed against a newer @types/pg than the project's; the runtime `pg` is the same. */
type AdapterPool = ConstructorParameters<typeof PrismaPg>[0];

export function openPostgres(connectionString: string, pools: PoolOptions = DEFAULT_POOLS): PostgresHandle {
  // connectionTimeoutMillis bounds both the wait for a free connection and a new connect: a
  // starved pool or an unreachable server becomes a 503 (see database-errors.ts), not a hang.
  const pool = new Pool({ connectionString, max: pools.size, connectionTimeoutMillis: pools.acquireTimeoutMs });
  // An idle client dropped by the server must not crash the process; pg reconnects on next use.
  pool.on('error', () => undefined);
  let exportPool: Pool | null = null;
  let closed: Promise<void> | null = null;

  return {
    kind: 'postgres',
    pool,
    get exportPool(): Pool {
      if (!exportPool) {
        exportPool = new Pool({ connectionString, max: pools.exportPoolSize, connectionTimeoutMillis: pools.acquireTimeoutMs });
        exportPool.on('error', () => undefined);
      }
      return exportPool;
    },
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    clientAdapter: () => new PrismaPg(pool as unknown as AdapterPool),
    withMigrationAdapter: async (fn) => {
      // The engine takes pg_advisory_lock(72707369) on whichever connection it is given and
      // never unlocks it; on the shared pool an idle client would hold it for the life of the
      // process and stall every other instance's start-up. A private one-connection pool,
      // ended afterwards, releases it.
      const migrationPool = new Pool({ connectionString, max: 1 });
      migrationPool.on('error', () => undefined);
      try {
        return await fn(
          withAtomicScripts(new PrismaPg(migrationPool as unknown as AdapterPool), async (sql) => {
            // One simple-protocol query with many statements runs as one implicit transaction,
            // unlike adapter-pg's executeScript, which splits on ';' and runs them one by one.
            await migrationPool.query(sql);
          }),
        );
      } finally {
        await migrationPool.end();
      }
    },
    query: async <T>(sql: string, params?: unknown[]) => (await pool.query(sql, params)).rows as T[],
    prepared: async <T>(statement: PreparedStatement, values: unknown[]) =>
      (await pool.query({ name: statement.name, text: statement.text, values })).rows as T[],
    withAdvisoryLock: async (key, fn) => {
      const client = await pool.connect();
      let unlocked = false;
      try {
        await client.query('SELECT pg_advisory_lock($1)', [key.toString()]);
        try {
          return await fn();
        } finally {
          unlocked = await client.query('SELECT pg_advisory_unlock($1)', [key.toString()]).then(() => true, () => false);
        }
      } finally {
        // A connection we could not unlock is destroyed, which releases the lock with it.
        client.release(!unlocked);
      }
    },
    tryAdvisoryLock: async (key, fn) => {
      const client = await pool.connect();
      let unlocked = false;
      try {
        const [{ ok }] = (await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [key.toString()])).rows;
        if (!ok) {
          unlocked = true;
          return { acquired: false };
        }
        try {
          return { acquired: true, value: await fn() };
        } finally {
          unlocked = await client.query('SELECT pg_advisory_unlock($1)', [key.toString()]).then(() => true, () => false);
        }
      } finally {
        client.release(!unlocked);
      }
    },
    // pg's Pool.end() waits for every checked-out client. An export cut at the shutdown deadline
    // may still hold its COPY connection; it is not waited for beyond EXPORT_POOL_CLOSE_MS (the
    // process exits next, and the server cancels the COPY when the socket goes).
    close: () => (closed ??= Promise.all([pool.end(), exportPool && boundedEnd(exportPool, EXPORT_POOL_CLOSE_MS)]).then(() => undefined)),
  };
}

const EXPORT_POOL_CLOSE_MS = 2000;

function boundedEnd(pool: Pool, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
    timer.unref();
  });
  return Promise.race([pool.end().catch(() => undefined), waited]).finally(() => clearTimeout(timer));
}

/**
 * Opens (creating if needed) a PGlite database in `dataDir`, or in memory when omitted. A data
 * directory is locked to this process (PGlite has one writer and no cross-process visibility)
 * and kept owner-only.
 */
export async function openPglite(dataDir?: string, options: { loadDataDir?: Blob } = {}): Promise<PgliteHandle> {
  if (dataDir === undefined) return pgliteHandle(await PGlite.create(undefined, options));
  // PGlite neither creates parent folders nor reports that failure through its promise.
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const lock = lockDataDir(dataDir);
  const stopGuard = keepPrivate(dataDir);
  const release = () => {
    stopGuard();
    lock.release();
  };
  try {
    secureDataDir(dataDir);
    const db = await PGlite.create(dataDir, options);
    return pgliteHandle(db, release);
  } catch (error) {
    release();
    throw error;
  }
}

/** Wraps an already opened PGlite (e.g. one loaded from a snapshot); `close()` closes it, then runs `onClosed`. */
export function pgliteHandle(db: PGlite, onClosed: () => void = () => undefined): PgliteHandle {
  let queue: Promise<unknown> = Promise.resolve();
  const held = new Set<bigint>();
  let closed: Promise<void> | null = null;

  return {
    kind: 'pglite',
    db,
    clientAdapter: () => new PrismaPGlite(db),
    // pglite-prisma-adapter 0.7.2 does not await exec: a failing migration would be recorded
    // as applied. exec of a multi-statement string is one implicit transaction.
    withMigrationAdapter: (fn) => fn(withAtomicScripts(new PrismaPGlite(db), (sql) => db.exec(sql).then(() => undefined))),
    query: async <T>(sql: string, params?: unknown[]) => (await db.query<T>(sql, params)).rows,
    // PGlite runs every query through its own lock, so this never lands inside a Prisma transaction.
    prepared: async <T>(statement: PreparedStatement, values: unknown[]) => (await db.query<T>(statement.text, values)).rows,
    withAdvisoryLock: <T>(_key: bigint, fn: () => Promise<T>) => {
      const run = queue.then(fn, fn);
      queue = run.catch(() => undefined);
      return run;
    },
    tryAdvisoryLock: async (key, fn) => {
      if (held.has(key)) return { acquired: false };
      held.add(key);
      try {
        return { acquired: true, value: await fn() };
      } finally {
        held.delete(key);
      }
    },
    close: () => (closed ??= (db.closed ? Promise.resolve() : db.close()).finally(onClosed)),
  };
}

type ScriptRunner = (sql: string) => Promise<void>;

/**
 * Replaces the adapter's executeScript with one atomic multi-statement call, and refuses
 * shadow databases: the wasm engine has none and would otherwise create or replay into one.
 */
function withAtomicScripts(
  factory: SqlMigrationAwareDriverAdapterFactory,
  runScript: ScriptRunner,
): SqlMigrationAwareDriverAdapterFactory {
  const patch = (adapter: SqlDriverAdapter): SqlDriverAdapter => {
    const onError = (adapter as unknown as { onError?: (error: unknown) => never }).onError;
    adapter.executeScript = async (script) => {
      try {
        await runScript(script);
      } catch (error) {
        // The adapter's own error mapping gives the engine a DriverAdapterError it can report.
        if (onError) onError.call(adapter, error);
        throw error;
      }
    };
    return adapter;
  };
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => patch(await factory.connect()),
    connectToShadowDb: () =>
      Promise.reject(new Error('shadow databases are not used; diff against a scratch PGlite instead')),
  };
}
