import 'reflect-metadata';
import { createApp } from './app.factory';
import { ConfigError } from './config/config-error';
import { loadConfigFromProcess } from './config/config';

async function main(): Promise<void> {
  const config = loadConfigFromProcess();
  const { app, logger } = await createApp(config);
  await app.listen(config.port, config.host);
  const scheme = config.trustProxy && !config.tlsCertFile ? 'http (behind trusted proxy)' : 'https';
  logger.info({ port: config.port, host: config.host, scheme, database: config.databaseUrl ? 'postgresql' : 'embedded' }, 'DIDHub API listening');
}

main().catch((error: unknown) => {
  // Start-up failures (bad configuration, failed migration) stop the process with a clear line.
  const message = error instanceof ConfigError ? `configuration error: ${error.message}` : String((error as Error)?.stack ?? error);
  process.stderr.write(`didhub-api failed to start: ${message}\n`);
  process.exit(1);
});
