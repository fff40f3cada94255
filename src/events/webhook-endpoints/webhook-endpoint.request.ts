import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { SingleLine } from '../../platform/validation/single-line';
import { EVENT_TYPES, OPERATOR_EVENT_TYPES } from '../events/event-types';

export const SUBSCRIBABLE_EVENT_TYPES = EVENT_TYPES.filter((t) => !OPERATOR_EVENT_TYPES.includes(t));
const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateWebhookEndpointRequest {
  @ApiProperty({ example: 'https://hooks.example.com/didhub', maxLength: 2048, description: 'An https URL on a public address.' })
  @IsString()
  @MaxLength(2048)
  @SingleLine()
  url: string;

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(200)
  @SingleLine()
  description?: string;

  @ApiPropertyOptional({ enum: SUBSCRIBABLE_EVENT_TYPES, isArray: true, description: 'The event types to deliver; empty or absent: all.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(SUBSCRIBABLE_EVENT_TYPES.length)
  @IsIn(SUBSCRIBABLE_EVENT_TYPES, { each: true, message: `each of events must be one of: ${SUBSCRIBABLE_EVENT_TYPES.join(', ')}` })
  events?: string[];

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

/** Only the fields sent change. `enabled: true` on a disabled endpoint replays what it missed. */
export class UpdateWebhookEndpointRequest {
  @ApiPropertyOptional({ maxLength: 2048 })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  @SingleLine()
  url?: string;

  @ApiPropertyOptional({ maxLength: 200, nullable: true })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(200)
  @SingleLine()
  description?: string;

  @ApiPropertyOptional({ enum: SUBSCRIBABLE_EVENT_TYPES, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(SUBSCRIBABLE_EVENT_TYPES.length)
  @IsIn(SUBSCRIBABLE_EVENT_TYPES, { each: true, message: `each of events must be one of: ${SUBSCRIBABLE_EVENT_TYPES.join(', ')}` })
  events?: string[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export const MAX_ROTATION_OVERLAP_SECONDS = 7 * 86_400;
export const DEFAULT_ROTATION_OVERLAP_SECONDS = 86_400;

export class RotateWebhookSecretRequest {
  @ApiPropertyOptional({
    minimum: 0,
    maximum: MAX_ROTATION_OVERLAP_SECONDS,
    default: DEFAULT_ROTATION_OVERLAP_SECONDS,
    description: 'How long the old secret keeps signing beside the new one (0: stop at once). Default one day, at most seven.',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_ROTATION_OVERLAP_SECONDS)
  overlap_seconds?: number;
}
