import { ApiProperty } from '@nestjs/swagger';
import { ListEnvelopeDto } from '../../platform/pagination/list';
import { EVENT_TYPES } from './event-types';
import type { EventRow } from './events.repository';

/** An event as the API lists it and as a webhook delivers it (the body is this object). */
export class EventResponse {
  @ApiProperty({ enum: ['event'] }) object: 'event';
  @ApiProperty({ example: 'evt_4fQzT0bW9yXk2LmN8pRs1a' }) id: string;
  @ApiProperty({ enum: EVENT_TYPES }) type: string;
  @ApiProperty({ example: '2026-12-01', description: 'The API version the payload is shaped by.' }) api_version: string;
  @ApiProperty({ type: String, format: 'date-time' }) created_at: string;
  @ApiProperty({ example: 'bun_4fQzT0bW9yXk2LmN8pRs1a', description: 'The resource that changed.' }) resource_id: string;
  @ApiProperty({ description: '1, 2, 3… per resource: order a resource’s events by it, not by arrival.' }) sequence: number;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Ids, statuses, times and reasons; never personal data. Schemas per type: the `webhooks` section.' })
  data: Record<string, unknown>;
}

export class EventListResponse extends ListEnvelopeDto {
  @ApiProperty({ type: [EventResponse] }) data: EventResponse[];
}

export function toEventResponse(row: EventRow): EventResponse {
  return {
    object: 'event',
    id: row.id,
    type: row.type,
    api_version: row.apiVersion,
    created_at: row.createdAt.toISOString(),
    resource_id: row.resourceId,
    sequence: row.sequence,
    data: row.data as Record<string, unknown>,
  };
}
