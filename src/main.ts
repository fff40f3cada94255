// First: tracing instruments http, pg and ioredis as they load (off unless configured).
import { tracingSdk } from './platform/tracing/register-tracing';
import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createApp } from './app/app.factory';
import { exitOnSignals } from './platform/lifecycle/graceful-shutdown';
import { ConfigError } from './platform/config/config-error';
import { flushLogs } from './platform/logging/logger';
import { loadConfigFromProcess } from './platform/config/config';
import { secureDataDir } from './platform/database/data-dir';
import { DataDirLockedError } from './platform/database/data-dir';
import { DatabaseUnreachableError } from './platform/database/wait-for-database';
import { assertPortFree, PortInUseError } from './platform/http/port-check';

async function main(): Promise<void> {
  // Everything the server writes (dev secrets, certificate, mail, the embedded database) is private.
  process.umask(0o077);
  const config = loadConfigFromProcess();
  await assertPortFree(config.port, config.host);
  const { tightened } = secureDataDir(config.dataDir);
  const { app, logger } = await createApp(config);
  if (config.nodeEnv === 'production' && config.mailTransport === 'file') {
    logger.warn({ mail_dir: config.mailDir }, 'MAIL_TRANSPORT=file: mail is written as .eml files that nothing delivers (deleted after 7 days by the retention job)');
  }
  if (config.nodeEnv === 'production' && config.databaseUrl === null) {
    logger.warn('ALLOW_EMBEDDED_DATABASE: the embedded database serves one process only; run a single instance and back it up');
  }
  if (tightened) logger.warn({ data_dir: config.dataDir, entries: tightened }, 'DATA_DIR had group/world-accessible entries; made owner-only');
  // Spans still buffered go out before the exit (bounded: a dead collector must not hold it).
  const sdk = tracingSdk;
  const flushTraces = sdk ? () => Promise.race([sdk.shutdown(), new Promise<void>((resolve) => setTimeout(resolve, 2000).unref())]) : undefined;
  exitOnSignals(app, config.shutdownGraceSeconds, logger, flushTraces);
  await app.listen(config.port, config.host);
  const { port } = app.getHttpServer().address() as AddressInfo;
  const scheme = config.trustProxy && !config.tlsCertFile ? 'http' : 'https';
  const host = ['0.0.0.0', '::'].includes(config.host) ? 'localhost' : config.host;
  const api = `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  logger.info(
    {
      api,
      port,
      docs: `${api}/docs`,
      data_dir: config.dataDir,
      database: config.databaseUrl ? 'postgresql (DATABASE_URL)' : `embedded, ${join(config.dataDir, 'pglite')}`,
      mail: config.mailTransport === 'smtp' ? 'smtp (SMTP_URL)' : `files in ${config.mailDir}`,
      env_file: config.envFile ?? 'none',
      ...(scheme === 'http' ? { tls: 'terminated by the trusted proxy' } : {}),
    },
    `DIDHub API listening on ${api} (Swagger UI: ${api}/docs)`,
  );
  // Scripts and supervisors wait for this line: it does not sit in the log buffer.
  flushLogs();
}

main().catch((error: unknown) => {
  // Start-up failures (bad configuration, failed migration, data directory in use) stop the process with a clear line.
  const message =
    error instanceof ConfigError
      ? `configuration error: ${error.message}`
      : error instanceof DataDirLockedError || error instanceof DatabaseUnreachableError || error instanceof PortInUseError
        ? error.message
        : String((error as Error)?.stack ?? error);
  process.stderr.write(`didhub-api failed to start: ${message}\n`);
  process.exit(1);
});
