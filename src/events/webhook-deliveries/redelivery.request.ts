import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsOptional, IsString, Matches } from 'class-validator';

export class RedeliverEventRequest {
  @ApiPropertyOptional({ description: 'Only to this endpoint; default: every endpoint subscribed to the event’s type.', example: 'we_4fQzT0bW9yXk2LmN8pRs1a' })
  @IsOptional()
  @IsString()
  @Matches(/^we_[0-9A-Za-z]{22}$/, { message: 'endpoint_id must be a webhook endpoint id (we_…)' })
  endpoint_id?: string;
}

export class ReplayEventsRequest {
  @ApiProperty({ type: String, format: 'date-time', description: 'Events created at or after this time.' })
  @IsDateString({ strict: true }, { message: 'from must be an ISO 8601 date-time' })
  from: string;

  @ApiProperty({ type: String, format: 'date-time', description: 'Events created before this time (at most 30 days after `from`).' })
  @IsDateString({ strict: true }, { message: 'to must be an ISO 8601 date-time' })
  to: string;
}
