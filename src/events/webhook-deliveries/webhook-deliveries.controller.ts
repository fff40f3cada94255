import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../../platform/auth/current-principal.decorator';
import type { CustomerPrincipal } from '../../platform/request/principal';
import { RequireScope } from '../../platform/auth/route-auth';
import { ListQueryDto, type ListResponse } from '../../platform/pagination/list';
import { RedeliverEventRequest, ReplayEventsRequest } from './redelivery.request';
import { RedeliveryResponse, WebhookAttemptListResponse, type WebhookAttemptResponse } from './webhook-attempt.response';
import { MAX_REPLAY_EVENTS, WebhookDeliveriesService } from './webhook-deliveries.service';

@ApiTags('webhooks')
@Controller()
export class WebhookDeliveriesController {
  constructor(private readonly deliveries: WebhookDeliveriesService) {}

  @Get('webhook-endpoints/:id/attempts')
  @RequireScope('webhooks:read')
  @ApiOperation({ summary: 'List delivery attempts to an endpoint (newest first)', description: 'Time, status code, latency and error class; response bodies are never kept.' })
  @ApiOkResponse({ type: WebhookAttemptListResponse })
  @ApiNotFoundResponse({ description: 'No such endpoint in this account.' })
  attempts(
    @CurrentPrincipal() principal: CustomerPrincipal,
    @Param('id') id: string,
    @Query() query: ListQueryDto,
  ): Promise<ListResponse<WebhookAttemptResponse>> {
    return this.deliveries.attempts(principal.accountId, id, query.limit ?? 20, query.cursor);
  }

  @Post('events/:id/redeliver')
  @RequireScope('webhooks:write')
  @HttpCode(202)
  @ApiOperation({ summary: 'Deliver an event again', description: 'With its original id (`webhook-id`) and a fresh retry schedule.' })
  @ApiAcceptedResponse({ type: RedeliveryResponse })
  @ApiNotFoundResponse({ description: 'No such event or endpoint in this account.' })
  async redeliver(
    @CurrentPrincipal() principal: CustomerPrincipal,
    @Param('id') id: string,
    @Body() body: RedeliverEventRequest,
  ): Promise<RedeliveryResponse> {
    return { object: 'redelivery', queued: await this.deliveries.redeliver(principal.accountId, id, body.endpoint_id) };
  }

  @Post('webhook-endpoints/:id/replay')
  @RequireScope('webhooks:write')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Deliver a time range of events again',
    description: `The endpoint's events created in [from, to), oldest first, at most ${MAX_REPLAY_EVENTS} per request (events are kept 30 days).`,
  })
  @ApiAcceptedResponse({ type: RedeliveryResponse })
  @ApiNotFoundResponse({ description: 'No such endpoint in this account.' })
  async replay(
    @CurrentPrincipal() principal: CustomerPrincipal,
    @Param('id') id: string,
    @Body() body: ReplayEventsRequest,
  ): Promise<RedeliveryResponse> {
    return { object: 'redelivery', queued: await this.deliveries.replay(principal.accountId, id, new Date(body.from), new Date(body.to)) };
  }
}
