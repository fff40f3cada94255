import { Nested } from '../../../../platform/validation/nested.decorator';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsObject, Max, Min, ValidateIf } from 'class-validator';
import { RetentionOverridesDto } from './retention-overrides.dto';

const MAX_PER_MINUTE = 1_000_000;

/** Absent = unchanged; `null` on a rate limit = clear the override (back to the configured default). */
export class UpdateAccountSettingsDto {
  @ApiPropertyOptional({ description: 'Turns the API-key beta on or off (creation of new keys; existing keys keep working).' })
  @ValidateIf((_, value) => value !== undefined)
  @IsBoolean()
  api_keys_enabled?: boolean;

  @ApiPropertyOptional({
    description:
      'Lets the account point SIP gateways at private (RFC 1918, CGNAT, IPv6 ULA), loopback and link-local addresses and ' +
      '`localhost`-style names, for a switch on its own network. Off by default; turning it off leaves existing gateways as they are.',
  })
  @ValidateIf((_, value) => value !== undefined)
  @IsBoolean()
  sip_private_hosts_allowed?: boolean;

  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 1, maximum: MAX_PER_MINUTE, description: 'Read budget override; null clears it.' })
  @ValidateIf((_, value) => value !== undefined && value !== null)
  @IsInt()
  @Min(1)
  @Max(MAX_PER_MINUTE)
  rate_limit_read_per_minute?: number | null;

  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 1, maximum: MAX_PER_MINUTE, description: 'Write budget override; null clears it.' })
  @ValidateIf((_, value) => value !== undefined && value !== null)
  @IsInt()
  @Min(1)
  @Max(MAX_PER_MINUTE)
  rate_limit_write_per_minute?: number | null;

  @ApiPropertyOptional({
    type: RetentionOverridesDto,
    nullable: true,
    description: 'Replaces the account’s retention overrides as a whole; null (or {}) returns to the default periods.',
  })
  @ValidateIf((_, value) => value !== undefined && value !== null)
  @IsObject()
  @Nested(() => RetentionOverridesDto)
  retention_overrides?: RetentionOverridesDto | null;
}
