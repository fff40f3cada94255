import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ListEnvelopeDto } from '../../platform/pagination/list';
import { SUBSCRIBABLE_EVENT_TYPES } from './webhook-endpoint.request';
import type { WebhookEndpointRecord } from './webhook-endpoints.repository';

export class WebhookEndpointResponse {
  @ApiProperty({ enum: ['webhook_endpoint'] }) object: 'webhook_endpoint';
  @ApiProperty({ example: 'we_4fQzT0bW9yXk2LmN8pRs1a' }) id: string;
  @ApiProperty() url: string;
  @ApiProperty({ type: String, nullable: true }) description: string | null;
  @ApiProperty({ enum: SUBSCRIBABLE_EVENT_TYPES, isArray: true, description: 'Empty: every type.' }) events: string[];
  @ApiProperty() enabled: boolean;
  @ApiProperty({ type: String, nullable: true, enum: ['user', 'gone', 'failing'], description: 'Why it is disabled: by you, answered 410 Gone, or failed for days.' })
  disabled_reason: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) disabled_at: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Until then the previous secret signs too (after a rotation).' })
  previous_secret_expires_at: string | null;
  @ApiPropertyOptional({ description: 'The signing secret (`whsec_…`): only in the answer to create and rotate-secret. Stored encrypted.' })
  secret?: string;
  @ApiProperty({ type: String, format: 'date-time' }) created_at: string;
  @ApiProperty({ type: String, format: 'date-time' }) updated_at: string;
}

export class WebhookEndpointListResponse extends ListEnvelopeDto {
  @ApiProperty({ type: [WebhookEndpointResponse] }) data: WebhookEndpointResponse[];
}

export function toWebhookEndpointResponse(row: WebhookEndpointRecord, secret?: string): WebhookEndpointResponse {
  const previousLive = row.previousSecretExpiresAt && row.previousSecretExpiresAt > new Date();
  return {
    object: 'webhook_endpoint',
    id: row.id,
    url: row.url,
    description: row.description,
    events: row.eventTypes,
    enabled: row.enabled,
    disabled_reason: row.disabledReason,
    disabled_at: row.disabledAt?.toISOString() ?? null,
    previous_secret_expires_at: previousLive ? row.previousSecretExpiresAt!.toISOString() : null,
    ...(secret ? { secret } : {}),
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}
