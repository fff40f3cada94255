import { type NestApplicationOptions, RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import cors from 'cors';
import helmet from 'helmet';
import type { DestinationStream, Logger } from 'pino';
import { AppModule } from './app.module';
import { CDR_INGEST_PATH, cdrIngestBodyParser } from '../telephony/cdrs/cdr-ingest-body.middleware';
import { expressErrorHandler } from '../platform/http/express-error.handler';
import { httpsOnlyBehindProxy } from '../platform/http/https-only.middleware';
import { jsonBody } from '../platform/http/json-body.middleware';
import { noStore } from '../platform/http/no-store.middleware';
import { LimitedExpressAdapter } from '../platform/http/http-server.adapter';
import { middlewareChain, underPath } from '../platform/http/middleware-chain';
import { requestId } from '../platform/http/request-id.middleware';
import { precomputedHeaders } from '../platform/http/security-headers';
import { withBodyOnly } from '../platform/http/with-body-only';
import { Lifecycle } from '../platform/lifecycle/lifecycle';
import { refuseWhileDraining } from '../platform/lifecycle/refuse-while-draining.middleware';
import { httpsOptions } from '../platform/http/tls';
import { createValidationPipe } from '../platform/http/validation';
import { DEFAULT_JSON_LIMITS } from '../platform/validation/json-limits';
import { bufferedStdout, createLogger } from '../platform/logging/logger';
import { NestPinoLogger } from '../platform/logging/nest-pino-logger';
import { requestLogger } from '../platform/http/request-logger.middleware';
import { Metrics } from '../platform/metrics/metrics';
import { requestMetrics } from '../platform/metrics/request-metrics.middleware';
import type { AppConfig } from '../platform/config/config.types';
import { mountOpenApi } from './openapi/document';
import type { DatabaseHandle } from '../platform/database/database';

export interface CreatedApp {
  app: NestExpressApplication;
  logger: Logger;
}

/** Builds the whole application (server options, middleware, global pipes); main.ts and tests share it. */
export interface CreateAppOptions {
  /** Where log lines go (stdout by default); tests capture them to prove nothing secret is logged. */
  logDestination?: DestinationStream;
}

export async function createApp(config: AppConfig, database?: DatabaseHandle, options: CreateAppOptions = {}): Promise<CreatedApp> {
  const logger = createLogger(config, options.logDestination ?? bufferedStdout());
  const tls = httpsOptions(config);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, logger, database), new LimitedExpressAdapter(config.http), {
    // Nest's HttpsOptions type predates minVersion/ciphers; Node's https.createServer takes them.
    ...(tls ? { httpsOptions: tls as NestApplicationOptions['httpsOptions'] } : {}),
    bodyParser: false,
    logger: new NestPinoLogger(logger),
    abortOnError: false,
  });

  app.disable('x-powered-by');
  app.set('etag', false);
  if (config.trustProxy) app.set('trust proxy', config.trustProxy);
  const express = app.getHttpAdapter().getInstance();
  // One router layer for every step before routing (see middleware-chain.ts); order matters.
  app.use(
    middlewareChain([
      // The request id comes first so that every answer, refusals included, carries one.
      requestId,
      refuseWhileDraining(app.get(Lifecycle), express.response),
      ...(config.trustProxy ? [httpsOnlyBehindProxy(config.trustProxy, config.probeSources)] : []),
      requestLogger(logger, '/v1/health'),
      requestMetrics(app.get(Metrics)),
      precomputedHeaders(
        helmet({
          strictTransportSecurity: { maxAge: 31536000, includeSubDomains: true },
          contentSecurityPolicy: false,
          crossOriginEmbedderPolicy: false,
        }),
      ),
      underPath('/v1', noStore),
      cors({
        origin: config.dashboardOrigins,
        credentials: true,
        exposedHeaders: ['X-Request-Id', 'Retry-After', 'RateLimit', 'RateLimit-Policy', 'Idempotent-Replayed'],
        allowedHeaders: ['Content-Type', 'Authorization', 'Idempotency-Key', 'X-Request-Id'],
        methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      }),
      // Requests without a body (GET, HEAD, OPTIONS) skip both parsers.
      withBodyOnly(middlewareChain([underPath(CDR_INGEST_PATH, cdrIngestBodyParser(config)), jsonBody(config.bodyLimitBytes, DEFAULT_JSON_LIMITS)])),
    ]),
  );
  app.use(expressErrorHandler(config.bodyLimitBytes, logger));

  app.setGlobalPrefix('v1', {
    exclude: [
      { path: '.well-known/security.txt', method: RequestMethod.GET },
      { path: 'metrics', method: RequestMethod.GET },
    ],
  });
  app.useGlobalPipes(createValidationPipe());
  // No enableShutdownHooks: Nest would close the database before the HTTP server. main.ts
  // drains on SIGTERM/SIGINT (common/lifecycle/graceful-shutdown.ts), then closes the app.
  mountOpenApi(app, config);
  return { app, logger };
}
