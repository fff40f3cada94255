import { Controller, Get, HttpCode } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/route-auth';
import { CommonErrors } from '../errors/common-errors';
import { Lifecycle } from '../lifecycle/lifecycle';
import { NoRateLimit } from '../auth/rate-limit.decorators';
import { HealthRepository } from './health.repository';

@ApiTags('health')
@Controller('health')
@Public()
@NoRateLimit()
export class HealthController {
  constructor(
    private readonly health: HealthRepository,
    private readonly lifecycle: Lifecycle,
  ) {}

  @Get()
  @HttpCode(200)
  @ApiOperation({ operationId: 'getHealth', summary: 'Liveness: the process is up. No authentication, not rate limited.' })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ operationId: 'getReadiness', summary: 'Readiness: the database answers. No authentication, not rate limited.' })
  @ApiOkResponse({ schema: { example: { status: 'ready', database: 'ok' } } })
  @ApiServiceUnavailableResponse({ description: 'The database is unreachable, or the process is shutting down (load balancers stop sending).' })
  async ready(): Promise<{ status: 'ready'; database: 'ok' }> {
    if (this.lifecycle.draining) throw CommonErrors.draining();
    if (!(await this.health.ping())) throw CommonErrors.serviceUnavailable();
    return { status: 'ready', database: 'ok' };
  }
}
