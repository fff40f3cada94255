import { ApiProperty } from '@nestjs/swagger';
import { ListEnvelopeDto } from '../../platform/pagination/list';
import { CDR_DIRECTIONS, CDR_STATUSES } from './cdr-record';
import type { CdrRow } from './cdrs.repository';

export interface CdrResponse {
  object: 'cdr';
  id: string;
  direction: string;
  from: string;
  to: string;
  started_at: string;
  answered_at: string | null;
  ended_at: string;
  duration_seconds: number;
  billable_seconds: number;
  status: string;
  cost: string;
  currency: string;
  number_id: string | null;
  external_id: string;
}

export function toCdrResponse(row: CdrRow): CdrResponse {
  return {
    object: 'cdr',
    id: row.id,
    direction: row.direction,
    from: row.fromNumber,
    to: row.toNumber,
    started_at: row.startedAt,
    answered_at: row.answeredAt,
    ended_at: row.endedAt,
    duration_seconds: row.durationSeconds,
    billable_seconds: row.billableSeconds,
    status: row.status,
    cost: row.cost,
    currency: row.currency,
    number_id: row.numberId,
    external_id: row.externalId,
  };
}

export class CdrResponseDto implements CdrResponse {
  @ApiProperty({ enum: ['cdr'] }) object: 'cdr';
  @ApiProperty({ example: 'cdr_4fQ8kP2mZ7xW1nB5vC9dLh' }) id: string;
  @ApiProperty({ enum: CDR_DIRECTIONS }) direction: string;
  @ApiProperty({ example: '+14155550123', description: 'E.164; personal data.' }) from: string;
  @ApiProperty({ example: '+442071838750', description: 'E.164; personal data.' }) to: string;
  @ApiProperty({ format: 'date-time' }) started_at: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) answered_at: string | null;
  @ApiProperty({ format: 'date-time' }) ended_at: string;
  @ApiProperty() duration_seconds: number;
  @ApiProperty() billable_seconds: number;
  @ApiProperty({ enum: CDR_STATUSES }) status: string;
  @ApiProperty({ example: '0.012500', description: 'Exact decimal string, 6 fraction digits; never a float.' }) cost: string;
  @ApiProperty({ example: 'USD' }) currency: string;
  @ApiProperty({ nullable: true, type: String }) number_id: string | null;
  @ApiProperty({ description: "The switch's call id." }) external_id: string;
}

export class CdrListResponseDto extends ListEnvelopeDto {
  @ApiProperty({ type: [CdrResponseDto] }) data: CdrResponseDto[];
}

export class CdrIngestResponseDto {
  @ApiProperty({ enum: ['cdr_ingest_result'] }) object: 'cdr_ingest_result';
  @ApiProperty({ description: 'Records in the request.' }) received: number;
  @ApiProperty({ description: 'Records stored by this request.' }) inserted: number;
  @ApiProperty({ description: 'Records skipped because their (account_id, external_id) was already stored or repeated in the batch.' })
  duplicates: number;
}
