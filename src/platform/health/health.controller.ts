import { Controller, Get, HttpCode, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/route-auth';
import { CommonErrors } from '../errors/common-errors';
import { Lifecycle } from '../lifecycle/lifecycle';
import { NoRateLimit } from '../auth/rate-limit.decorators';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig, MailTransport } from '../config/config.types';
import { HealthRepository } from './health.repository';
import { type ComponentState, Readiness } from './readiness';

export interface ReadinessResponse {
  status: 'ready' | 'degraded';
  database: 'ok';
  redis: ComponentState;
  mail: MailTransport;
}

@ApiTags('health')
@Controller('health')
@Public()
@NoRateLimit()
export class HealthController {
  constructor(
    private readonly health: HealthRepository,
    private readonly lifecycle: Lifecycle,
    private readonly readiness: Readiness,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @HttpCode(200)
  @ApiOperation({ operationId: 'getHealth', summary: 'Liveness: the process is up. No authentication, not rate limited.' })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({
    operationId: 'getReadiness',
    summary: 'Readiness: the database answers. Also reports Redis (`degraded`: rate limits on per-instance counters) and the mail transport. No authentication, not rate limited.',
  })
  @ApiOkResponse({ schema: { example: { status: 'ready', database: 'ok', redis: 'ok', mail: 'smtp' } } })
  @ApiServiceUnavailableResponse({ description: 'The database is unreachable, or the process is shutting down (load balancers stop sending).' })
  async ready(): Promise<ReadinessResponse> {
    if (this.lifecycle.draining) throw CommonErrors.draining();
    if (!(await this.health.ping())) throw CommonErrors.serviceUnavailable();
    const { redis = 'not_configured' } = this.readiness.states();
    return { status: redis === 'degraded' ? 'degraded' : 'ready', database: 'ok', redis, mail: this.config.mailTransport };
  }
}
