import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createApp } from './app.factory';
import { ConfigError } from './config/config-error';
import { loadConfigFromProcess } from './config/config';

async function main(): Promise<void> {
  const config = loadConfigFromProcess();
  const { app, logger } = await createApp(config);
  await app.listen(config.port, config.host);
  const { port } = app.getHttpServer().address() as AddressInfo;
  const scheme = config.trustProxy && !config.tlsCertFile ? 'http' : 'https';
  const host = ['0.0.0.0', '::'].includes(config.host) ? 'localhost' : config.host;
  const api = `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  logger.info(
    {
      api,
      docs: `${api}/docs`,
      data_dir: config.dataDir,
      database: config.databaseUrl ? 'postgresql (DATABASE_URL)' : `embedded, ${join(config.dataDir, 'pglite')}`,
      mail: config.smtpUrl ? 'smtp (SMTP_URL)' : `files in ${config.mailDir}`,
      env_file: config.envFile ?? 'none',
      ...(scheme === 'http' ? { tls: 'terminated by the trusted proxy' } : {}),
    },
    `DIDHub API listening on ${api} (Swagger UI: ${api}/docs)`,
  );
}

main().catch((error: unknown) => {
  // Start-up failures (bad configuration, failed migration) stop the process with a clear line.
  const message = error instanceof ConfigError ? `configuration error: ${error.message}` : String((error as Error)?.stack ?? error);
  process.stderr.write(`didhub-api failed to start: ${message}\n`);
  process.exit(1);
});
