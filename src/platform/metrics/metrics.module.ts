import { Inject, Module } from '@nestjs/common';
import type { DatabaseHandle } from '../database/database';
import { DATABASE_HANDLE } from '../database/prisma.service';
import { Metrics } from './metrics';
import { MetricsController } from './metrics.controller';
import { MetricsServer } from './metrics-server';

/** GET /metrics (admin token) and the optional METRICS_PORT listener; the database pool gauges. */
@Module({ controllers: [MetricsController], providers: [MetricsServer] })
export class MetricsModule {
  constructor(metrics: Metrics, @Inject(DATABASE_HANDLE) database: DatabaseHandle) {
    const stats = database.poolStats;
    if (!stats) return;
    metrics.labelledGauge('didhub_db_pool_connections', 'Connections of the main database pool, by state', 'state', () => {
      const { total, idle } = stats();
      return { busy: total - idle, idle };
    });
    metrics.gauge('didhub_db_pool_waiting', 'Requests waiting for a database pool connection', () => stats().waiting);
  }
}
