import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { loadConfig, type Env } from '../../src/platform/config/config';
import type { AppConfig } from '../../src/platform/config/config.types';
import { type DatabaseHandle, openPostgres } from '../../src/platform/database/database';
import { openFromSnapshot } from '../../src/platform/database/pglite-snapshot';
import { PrismaService } from '../../src/platform/database/prisma.service';
import { testEnv, type TestApp } from './test-app';

const ROOT = join(__dirname, '..', '..');

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  url: string;
  /** Every stdout/stderr line so far. */
  lines: string[];
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  waitForLine(pattern: RegExp, ms?: number): Promise<string>;
}

/** The environment of a server process; its DATA_DIR's embedded database must be prepared first. */
export function serverEnv(dataDir: string, env: Env = {}): Env {
  return { ...testEnv(dataDir), LOG_LEVEL: 'info', ...env };
}

/** Runs `src/main.ts` in a child process (no build: SWC compiles on load) and waits until it listens. */
export async function startServerProcess(env: Env, entry = 'src/main.ts'): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['-r', './test/support/ts-register.js', entry], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, ...env } as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    for (const w of waiters) w();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let done = false;
  void exited.then(() => {
    done = true;
    for (const w of waiters) w();
  });
  const waitForLine = (pattern: RegExp, ms = 30_000): Promise<string> =>
    new Promise((resolve, reject) => {
      const check = () => {
        const found = lines.find((l) => pattern.test(l));
        if (found !== undefined) finish(() => resolve(found));
        else if (done) finish(() => reject(new Error(`process exited before ${pattern}:\n${lines.slice(-5).join('\n')}`)));
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`timed out waiting for ${pattern}:\n${lines.slice(-5).join('\n')}`))), ms);
      const finish = (f: () => void) => {
        clearTimeout(timer);
        waiters.delete(check);
        f();
      };
      waiters.add(check);
      check();
    });
  const listening = await waitForLine(/DIDHub API listening/, 60_000);
  const port = (JSON.parse(listening) as { port: number }).port;
  return { child, port, url: `https://127.0.0.1:${port}`, lines, exited, waitForLine };
}

/**
 * Prepares the database a server process will use and hands a client for seeding it: the
 * embedded data directory loaded from the migrated snapshot (closed again before the server
 * opens it), or this run's PostgreSQL database.
 */
export async function withServerDatabase<T>(dataDir: string, env: Env, fn: (seed: TestApp) => Promise<T>): Promise<T> {
  const config: AppConfig = loadConfig(testEnv(dataDir, env));
  const handle: DatabaseHandle = config.databaseUrl
    ? openPostgres(config.databaseUrl)
    : await openFromSnapshot(process.env.DIDHUB_TEST_SNAPSHOT!, join(dataDir, 'pglite'));
  const prisma = new PrismaService(handle);
  try {
    return await fn({ prisma, config } as unknown as TestApp);
  } finally {
    await prisma.onModuleDestroy();
  }
}

/** A raw TLS connection to the server (self-signed certificate accepted). */
export function tlsSocket(port: number): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => resolve(socket));
    socket.once('error', reject);
  });
}

export interface StalledExport {
  /** The bytes received before the reader stopped (status line and headers included). */
  received: Buffer[];
  closed: Promise<void>;
  socket: TLSSocket;
}

/** Starts `GET /v1/cdrs/export` with `apiKey`, reads the first bytes, then stops reading. */
export async function startStalledExport(port: number, apiKey: string): Promise<StalledExport> {
  const socket = await tlsSocket(port);
  const received: Buffer[] = [];
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => undefined);
  await new Promise<void>((resolve) => {
    socket.once('data', (chunk: Buffer) => {
      received.push(chunk);
      socket.pause();
      resolve();
    });
    socket.write(`GET /v1/cdrs/export HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${apiKey}\r\n\r\n`);
  });
  return { received, closed, socket };
}
