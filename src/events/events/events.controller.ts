import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../../platform/auth/current-principal.decorator';
import type { CustomerPrincipal } from '../../platform/request/principal';
import { RequireScope } from '../../platform/auth/route-auth';
import type { ListResponse } from '../../platform/pagination/list';
import { EventListResponse, EventResponse, toEventResponse } from './event.response';
import { EventsService, EVENT_RETENTION_DAYS } from './events.service';
import { ListEventsRequest } from './list-events.request';

@ApiTags('events')
@Controller('events')
export class EventsController {
  constructor(private readonly events: EventsService) {}

  @Get()
  @RequireScope('webhooks:read')
  @ApiOperation({
    summary: 'List events (newest first)',
    description: `Every state change a partner waits for, kept ${EVENT_RETENTION_DAYS} days. Filter by \`type\` (comma-separated), \`resource_id\` and creation time.`,
  })
  @ApiOkResponse({ type: EventListResponse })
  list(@CurrentPrincipal() principal: CustomerPrincipal, @Query() query: ListEventsRequest): Promise<ListResponse<EventResponse>> {
    return this.events.list(
      principal.accountId,
      {
        types: query.type,
        resourceId: query.resource_id,
        createdAfter: query.created_after ? new Date(query.created_after) : undefined,
        createdBefore: query.created_before ? new Date(query.created_before) : undefined,
      },
      query.limit ?? 20,
      query.cursor,
    );
  }

  @Get(':id')
  @RequireScope('webhooks:read')
  @ApiOperation({ summary: 'Show an event' })
  @ApiOkResponse({ type: EventResponse })
  @ApiNotFoundResponse({ description: 'No such event in this account.' })
  async get(@CurrentPrincipal() principal: CustomerPrincipal, @Param('id') id: string): Promise<EventResponse> {
    return toEventResponse(await this.events.get(principal.accountId, id));
  }
}
