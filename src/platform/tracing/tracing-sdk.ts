import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { NodeSDK } from '@opentelemetry/sdk-node';
import type { TracingConfig } from '../config/config.types';

/**
 * OpenTelemetry traces over OTLP/HTTP: spans for incoming and outgoing HTTP (W3C `traceparent`
 * continued from the caller), PostgreSQL queries (`pg`, which Prisma's adapter uses) and Redis
 * commands. Statement values are not recorded (only the SQL text, whose values are parameters).
 * Loaded only when tracing is configured: the SDK costs start-up time and memory otherwise.
 */
export function startTracingSdk(config: TracingConfig): { shutdown(): Promise<void> } {
  const sdk = new NodeSDK({
    serviceName: config.serviceName,
    traceExporter: new OTLPTraceExporter({ url: config.tracesUrl }),
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({
        // Probes every few seconds would drown the traces that matter.
        ignoreIncomingRequestHook: (req) => (req.url ?? '').startsWith('/v1/health'),
      }),
      new PgInstrumentation({ enhancedDatabaseReporting: false }),
      new IORedisInstrumentation({ dbStatementSerializer: (command) => command }),
    ],
  });
  sdk.start();
  return sdk;
}
