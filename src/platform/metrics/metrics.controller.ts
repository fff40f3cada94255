import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { AdminOnly } from '../auth/route-auth';
import { NoRateLimit } from '../auth/rate-limit.decorators';
import { Metrics } from './metrics';

/** Prometheus scrape endpoint on the API port, behind ADMIN_API_TOKEN (METRICS_PORT serves it without). */
@ApiExcludeController()
@Controller('metrics')
@AdminOnly()
@NoRateLimit()
export class MetricsController {
  constructor(private readonly metrics: Metrics) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  async scrape(@Res() res: Response): Promise<void> {
    res.setHeader('Content-Type', this.metrics.contentType);
    res.end(await this.metrics.exposition());
  }
}
