import { type DynamicModule, Global, Logger, Module } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.types';
import { type DatabaseHandle, openDatabase } from './database';
import { applyMigrations, type MigrationOptions } from './migration-runner';
import { waitForDatabase } from './wait-for-database';
import { DATABASE_HANDLE, PrismaService } from './prisma.service';

export interface PrismaModuleOptions extends MigrationOptions {
  /** An already opened database (tests); otherwise it is opened from APP_CONFIG. */
  handle?: DatabaseHandle;
  /** Apply pending migrations before anything uses the database. Default true. */
  migrate?: boolean;
}

/**
 * Opens the database, applies pending migrations and only then builds PrismaService, so the
 * app does not start on a database a migration failed on.
 */
@Global()
@Module({})
export class PrismaModule {
  static forRoot(options: PrismaModuleOptions = {}): DynamicModule {
    return {
      module: PrismaModule,
      providers: [
        {
          provide: DATABASE_HANDLE,
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => openAndMigrate(config, options),
        },
        PrismaService,
      ],
      exports: [PrismaService, DATABASE_HANDLE],
    };
  }
}

async function openAndMigrate(config: AppConfig, options: PrismaModuleOptions): Promise<DatabaseHandle> {
  const handle = options.handle ?? (await openDatabase(config));
  if (options.migrate === false) return handle;
  try {
    if (!options.handle && config.databaseUrl) {
      const log = new Logger('Database');
      await waitForDatabase(handle, config.databaseUrl, config.databaseConnectTimeoutSeconds * 1000, (code, delayMs) =>
        log.warn(`PostgreSQL at DATABASE_URL not reachable yet (${code}); retrying in ${delayMs} ms`),
      );
    }
    const applied = await applyMigrations(handle, options);
    if (applied.length) new Logger('Migrations').log(`applied ${applied.join(', ')}`);
    return handle;
  } catch (error) {
    await handle.close();
    throw error;
  }
}
