import { ApiProperty } from '@nestjs/swagger';
import { ListEnvelopeDto } from '../../platform/pagination/list';
import type { AttemptRow } from './webhook-deliveries.repository';

/** One delivery attempt: when, what the receiver answered and how fast — never its body. */
export class WebhookAttemptResponse {
  @ApiProperty({ enum: ['webhook_attempt'] }) object: 'webhook_attempt';
  @ApiProperty({ example: 'wha_4fQzT0bW9yXk2LmN8pRs1a' }) id: string;
  @ApiProperty({ example: 'evt_4fQzT0bW9yXk2LmN8pRs1a' }) event_id: string;
  @ApiProperty({ type: String, format: 'date-time' }) attempted_at: string;
  @ApiProperty({ type: Number, nullable: true, description: 'The receiver’s HTTP status; null when none came (timeout, refused, private address).' })
  status_code: number | null;
  @ApiProperty({ description: 'Milliseconds from sending to the end of the answer (or the failure).' }) latency_ms: number;
  @ApiProperty({
    type: String,
    nullable: true,
    enum: ['http_status', 'redirect', 'timeout', 'connection', 'tls', 'dns', 'private_address', 'response_too_large'],
    description: 'null when delivered.',
  })
  error_class: string | null;
}

export class WebhookAttemptListResponse extends ListEnvelopeDto {
  @ApiProperty({ type: [WebhookAttemptResponse] }) data: WebhookAttemptResponse[];
}

export function toWebhookAttemptResponse(row: AttemptRow): WebhookAttemptResponse {
  return {
    object: 'webhook_attempt',
    id: row.id,
    event_id: row.eventId,
    attempted_at: row.attemptedAt.toISOString(),
    status_code: row.statusCode,
    latency_ms: row.latencyMs,
    error_class: row.errorClass,
  };
}

export class RedeliveryResponse {
  @ApiProperty({ enum: ['redelivery'] }) object: 'redelivery';
  @ApiProperty({ description: 'Deliveries queued (one per endpoint and event).' }) queued: number;
}
