import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../../platform/auth/current-principal.decorator';
import type { CustomerPrincipal } from '../../platform/request/principal';
import { RequireScope } from '../../platform/auth/route-auth';
import { ListQueryDto, type ListResponse } from '../../platform/pagination/list';
import { CreateWebhookEndpointRequest, RotateWebhookSecretRequest, UpdateWebhookEndpointRequest } from './webhook-endpoint.request';
import { toWebhookEndpointResponse, WebhookEndpointListResponse, WebhookEndpointResponse } from './webhook-endpoint.response';
import { WebhookEndpointsService } from './webhook-endpoints.service';

@ApiTags('webhooks')
@Controller('webhook-endpoints')
export class WebhookEndpointsController {
  constructor(private readonly endpoints: WebhookEndpointsService) {}

  @Post()
  @RequireScope('webhooks:write')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Add a webhook endpoint',
    description:
      'Events are POSTed to `url` per the Standard Webhooks specification (`webhook-id`, `webhook-timestamp`, `webhook-signature`). ' +
      'The signing `secret` is in this answer only; it is stored encrypted.',
  })
  @ApiCreatedResponse({ type: WebhookEndpointResponse })
  @ApiBadRequestResponse({ description: 'A field is invalid (`param` names it): not https, credentials in the URL, a private address, an unknown event type.' })
  create(@CurrentPrincipal() principal: CustomerPrincipal, @Body() body: CreateWebhookEndpointRequest): Promise<WebhookEndpointResponse> {
    return this.endpoints.create(principal, body);
  }

  @Get()
  @RequireScope('webhooks:read')
  @ApiOperation({ summary: 'List webhook endpoints (newest first)' })
  @ApiOkResponse({ type: WebhookEndpointListResponse })
  list(@CurrentPrincipal() principal: CustomerPrincipal, @Query() query: ListQueryDto): Promise<ListResponse<WebhookEndpointResponse>> {
    return this.endpoints.list(principal, query.limit ?? 20, query.cursor);
  }

  @Get(':id')
  @RequireScope('webhooks:read')
  @ApiOperation({ summary: 'Show a webhook endpoint' })
  @ApiOkResponse({ type: WebhookEndpointResponse })
  @ApiNotFoundResponse({ description: 'No such endpoint in this account.' })
  async get(@CurrentPrincipal() principal: CustomerPrincipal, @Param('id') id: string): Promise<WebhookEndpointResponse> {
    return toWebhookEndpointResponse(await this.endpoints.get(principal.accountId, id));
  }

  @Patch(':id')
  @RequireScope('webhooks:write')
  @ApiOperation({
    summary: 'Change a webhook endpoint',
    description: 'Only the fields sent change. Enabling a disabled endpoint delivers what it missed while disabled (events of the last 30 days).',
  })
  @ApiOkResponse({ type: WebhookEndpointResponse })
  @ApiNotFoundResponse({ description: 'No such endpoint in this account.' })
  update(
    @CurrentPrincipal() principal: CustomerPrincipal,
    @Param('id') id: string,
    @Body() body: UpdateWebhookEndpointRequest,
  ): Promise<WebhookEndpointResponse> {
    return this.endpoints.update(principal, id, body);
  }

  @Delete(':id')
  @RequireScope('webhooks:write')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a webhook endpoint', description: 'Its pending deliveries and attempt history go with it.' })
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiNotFoundResponse({ description: 'No such endpoint in this account.' })
  delete(@CurrentPrincipal() principal: CustomerPrincipal, @Param('id') id: string): Promise<void> {
    return this.endpoints.delete(principal, id);
  }

  @Post(':id/rotate-secret')
  @RequireScope('webhooks:write')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Rotate the signing secret',
    description:
      'Returns the new `secret` (once). For `overlap_seconds` (default one day, at most seven) every delivery carries two signatures, ' +
      'one per secret, so a receiver verifies with either while it switches.',
  })
  @ApiOkResponse({ type: WebhookEndpointResponse })
  @ApiNotFoundResponse({ description: 'No such endpoint in this account.' })
  rotateSecret(
    @CurrentPrincipal() principal: CustomerPrincipal,
    @Param('id') id: string,
    @Body() body: RotateWebhookSecretRequest,
  ): Promise<WebhookEndpointResponse> {
    return this.endpoints.rotateSecret(principal, id, body);
  }
}
