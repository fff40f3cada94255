import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Request latency buckets, in seconds: most answers take milliseconds; exports and uploads take longer. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * The process's Prometheus metrics (served at GET /metrics). One registry per application, so
 * two apps in one process (tests) never share counters. Features record through the named
 * metrics here, or register a gauge read at scrape time. Labels never carry ids or personal data:
 * routes are templates (`/v1/cdrs/:id`), never the requested path.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'didhub_http_requests_total',
    help: 'HTTP requests answered, by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'didhub_http_request_duration_seconds',
    help: 'Time from the request arriving to the response closing, by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly rateLimitRefusals = new Counter({
    name: 'didhub_rate_limit_refusals_total',
    help: 'Requests refused with 429 by a rate-limit policy',
    labelNames: ['policy'] as const,
    registers: [this.registry],
  });

  readonly mailDeliveries = new Counter({
    name: 'didhub_mail_deliveries_total',
    help: 'Mail delivery attempts by outcome (sent, retry, given_up, undecryptable, written_to_file)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly retentionRuns = new Counter({
    name: 'didhub_retention_runs_total',
    help: 'Retention runs finished, by status',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });

  readonly retentionRows = new Counter({
    name: 'didhub_retention_rows_total',
    help: 'Rows (and files) deleted or anonymised by retention runs, by counter',
    labelNames: ['counter'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** A gauge whose value is read when Prometheus scrapes (pool use, queue depth, slots). */
  gauge(name: string, help: string, read: () => number | Promise<number>): void {
    new Gauge({
      name,
      help,
      registers: [this.registry],
      async collect() {
        this.set(await read());
      },
    });
  }

  /** A gauge with labels, read at scrape time as a map of label value → number. */
  labelledGauge(name: string, help: string, label: string, read: () => Record<string, number>): void {
    new Gauge({
      name,
      help,
      labelNames: [label],
      registers: [this.registry],
      collect() {
        for (const [value, n] of Object.entries(read())) this.set({ [label]: value }, n);
      },
    });
  }

  exposition(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
