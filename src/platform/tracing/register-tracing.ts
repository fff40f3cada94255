import { loadTracingConfigFromProcess } from '../config/config';

/**
 * Imported first by main.ts: instrumentation patches `http`, `pg` and `ioredis` as they are
 * loaded, so the SDK must start before anything requires them. Off unless
 * OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set.
 */
const tracing = loadTracingConfigFromProcess();
export const tracingSdk = tracing
  ? // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when configured
    (require('./tracing-sdk') as typeof import('./tracing-sdk')).startTracingSdk(tracing)
  : null;
