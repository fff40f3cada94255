import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, ValidateBy } from 'class-validator';
import { ListQueryDto } from '../../platform/pagination/list';
import { CDR_DIRECTIONS, CDR_STATUSES, E164 } from './cdr-record';
import { parseIsoTimestamp } from './iso-timestamp';

function IsIsoTimestamp(): PropertyDecorator {
  return ValidateBy({
    name: 'isIsoTimestamp',
    validator: {
      validate: (value: unknown) => parseIsoTimestamp(value) !== null,
      defaultMessage: (args) => `${args?.property} must be an ISO 8601 date or date-time with a time zone, e.g. 2025-01-31T00:00:00Z`,
    },
  });
}

/** Filters shared by the list and the export. */
export class CdrFilterQueryDto {
  @ApiPropertyOptional({ format: 'date-time', description: 'Calls that started at or after this instant (inclusive).' })
  @IsOptional()
  @IsIsoTimestamp()
  started_after?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'Calls that started before this instant (exclusive), so consecutive windows never overlap.',
  })
  @IsOptional()
  @IsIsoTimestamp()
  started_before?: string;

  @ApiPropertyOptional({ description: 'E.164 such as `+14155550123`; matches the caller (`from`) or the callee (`to`).' })
  @IsOptional()
  @IsString()
  @Matches(E164, { message: 'number must be an E.164 number such as +14155550123' })
  number?: string;

  @ApiPropertyOptional({ enum: CDR_DIRECTIONS })
  @IsOptional()
  @IsIn(CDR_DIRECTIONS)
  direction?: string;

  @ApiPropertyOptional({ enum: CDR_STATUSES })
  @IsOptional()
  @IsIn(CDR_STATUSES)
  status?: string;
}

export class ListCdrsQueryDto extends IntersectionType(ListQueryDto, CdrFilterQueryDto) {}
