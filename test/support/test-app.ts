import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { createApp } from '../../src/app/app.factory';
import { loadConfig, type Env } from '../../src/platform/config/config';
import type { AppConfig } from '../../src/platform/config/config.types';
import type { DatabaseHandle } from '../../src/platform/database/database';
import { openFromSnapshot } from '../../src/platform/database/pglite-snapshot';
import { PrismaService } from '../../src/platform/database/prisma.service';

export const TEST_ORIGIN = 'https://dashboard.didhub.io';
export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789abcdef0123456789';

export interface TestApp {
  app: NestExpressApplication;
  config: AppConfig;
  url: string;
  prisma: PrismaService;
  /** A supertest client for this app's HTTPS listener (self-signed certificate accepted). */
  http(): TestClient;
  close(): Promise<void>;
}

export type TestClient = ReturnType<typeof request.agent>;

/** The database kind this run uses: PostgreSQL when global-setup made one, else PGlite. */
export const usingPostgres = (): boolean => Boolean(process.env.DIDHUB_TEST_DATABASE);

export function testEnv(dataDir: string, env: Env = {}): Env {
  return {
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    PORT: '0',
    SESSION_SECRET: 'test-session-secret-0123456789abcdef0123456789',
    API_KEY_PEPPER: 'test-api-key-pepper-0123456789abcdef0123456789',
    ENCRYPTION_KEYS: `test1:${Buffer.alloc(32, 7).toString('base64')}`,
    ADMIN_API_TOKEN: TEST_ADMIN_TOKEN,
    DATABASE_URL: process.env.DATABASE_URL,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    // The cheapest bcrypt cost production accepts; hashing still takes real time in tests.
    BCRYPT_COST: '10',
    // Suites sign in many times from 127.0.0.1; rate-limit suites set their own small budgets.
    RATE_LIMIT_AUTH_PER_MINUTE: '100000',
    RATE_LIMIT_ANON_PER_MINUTE: '100000',
    RATE_LIMIT_READ_PER_MINUTE: '100000',
    RATE_LIMIT_WRITE_PER_MINUTE: '100000',
    // The retention schedule never fires in tests; suites run the job themselves.
    RETENTION_ENABLED: 'false',
    // Webhook delivery only where a suite tests it: no worker claims what another suite left behind.
    WEBHOOK_DELIVERY_ENABLED: 'false',
    ...env,
  };
}

export interface StartOptions {
  env?: Env;
  /** Share another app's embedded database (two instances on one database). */
  database?: DatabaseHandle;
  /** Collect every log line the app writes into this array. */
  captureLogs?: string[];
  /** Listen on this port instead of an ephemeral one (when the configuration must name the origin, e.g. WebAuthn). */
  port?: number;
}

/**
 * Boots the real application over HTTPS on an ephemeral port against this run's database:
 * a fresh PGlite per call (loaded from the migrated snapshot), or the run's PostgreSQL database.
 */
export async function startTestApp(options: StartOptions = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'didhub-app-'));
  const config = loadConfig(testEnv(dataDir, options.env));
  let database = options.database;
  if (!database && !config.databaseUrl) {
    const snapshot = process.env.DIDHUB_TEST_SNAPSHOT;
    if (!snapshot) throw new Error('test/global-setup.ts did not prepare a database snapshot');
    database = await openFromSnapshot(snapshot);
  }
  let app: NestExpressApplication;
  try {
    ({ app } = await createApp(config, database, {
      logDestination: options.captureLogs ? { write: (line: string) => void options.captureLogs!.push(line) } : undefined,
    }));
  } catch (error) {
    await database?.close();
    throw error;
  }
  await app.listen(options.port ?? 0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const scheme = config.trustProxy && !config.tlsCertFile ? 'http' : 'https';
  const url = `${scheme}://127.0.0.1:${port}`;
  return {
    app,
    config,
    url,
    prisma: app.get(PrismaService),
    http: () => request.agent(url).disableTLSCerts(),
    close: async () => {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
