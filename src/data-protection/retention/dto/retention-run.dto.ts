import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, ValidateIf } from 'class-validator';
import { ListEnvelopeDto } from '../../../platform/pagination/list';
import type { RetentionRunRow } from '../retention.repository';

export class StartRetentionRunDto {
  @ApiPropertyOptional({ default: false, description: 'Count what a run would delete or anonymise, change nothing.' })
  // Absent means a real run; null is refused rather than read as absent: on this call a client's
  // null must never turn a dry run into a real one.
  @ValidateIf((_, value) => value !== undefined)
  @IsBoolean({ message: 'dry_run must be true or false' })
  dry_run?: boolean;
}

export class RetentionRunResponseDto {
  @ApiProperty({ example: 'rrun_4fQzT0bW9yXk2LmN8pRs1a' }) id: string;
  @ApiProperty({ enum: ['retention_run'] }) object: 'retention_run';
  @ApiProperty({ enum: ['schedule', 'cli', 'api'] }) trigger: string;
  @ApiProperty() dry_run: boolean;
  @ApiProperty({ enum: ['running', 'completed', 'failed', 'interrupted'] }) status: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    description: 'Rows deleted (or, in a dry run, that would be) per rule counter; accounts anonymised; CDRs masked.',
  })
  counts: Record<string, number>;
  @ApiProperty({ type: String, nullable: true, description: 'Why the run did not complete (no personal data).' }) error: string | null;
  @ApiProperty({ format: 'date-time' }) started_at: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) finished_at: string | null;
}

export class RetentionRunListResponseDto extends ListEnvelopeDto {
  @ApiProperty({ type: [RetentionRunResponseDto] }) data: RetentionRunResponseDto[];
}

export function toRetentionRunResponse(row: RetentionRunRow): RetentionRunResponseDto {
  return {
    id: row.id,
    object: 'retention_run',
    trigger: row.trigger,
    dry_run: row.dryRun,
    status: row.status,
    counts: row.counts ?? {},
    error: row.error,
    started_at: row.startedAt.toISOString(),
    finished_at: row.finishedAt?.toISOString() ?? null,
  };
}
