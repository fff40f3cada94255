import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayNotEmpty, IsArray } from 'class-validator';
import { MAX_CDR_BATCH } from './cdr-ingest.service';

/** The records are checked one by one by CdrIngestService so every problem is named by index. */
export class IngestCdrsDto {
  @ApiProperty({
    description: `1 to ${MAX_CDR_BATCH} call records. Each: account_id, external_id (the switch's call id, ≤ 128 visible ASCII), direction (inbound|outbound), from, to (E.164), started_at, answered_at (required for status answered, absent otherwise), ended_at (ISO 8601 with zone; started_at ≤ answered_at ≤ ended_at), duration_seconds, billable_seconds (non-negative integers, billable ≤ duration), status (answered|busy|no_answer|failed), cost (decimal string, e.g. "0.012500"), currency (ISO 4217), number_id (optional).`,
    type: 'array',
    items: { type: 'object' },
  })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(MAX_CDR_BATCH)
  cdrs: unknown[];
}
