import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsArray, IsDateString, IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { ListQueryDto } from '../../platform/pagination/list';
import { EVENT_TYPES } from './event-types';

const commaList = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.split(',').filter(Boolean) : value);

export class ListEventsRequest extends ListQueryDto {
  @ApiPropertyOptional({ description: 'Only these types, comma-separated (e.g. `bundle.approved,bundle.rejected`).', example: 'bundle.approved' })
  @IsOptional()
  @Transform(commaList)
  @IsArray()
  @IsIn(EVENT_TYPES, { each: true, message: `type must be one of: ${EVENT_TYPES.join(', ')}` })
  type?: string[];

  @ApiPropertyOptional({ description: 'Only events of this resource (a bundle, number, end-user… id).', example: 'bun_4fQzT0bW9yXk2LmN8pRs1a' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  @Matches(/^[a-z]+_[0-9A-Za-z]{1,40}$/, { message: 'resource_id must be a resource id such as bun_…' })
  resource_id?: string;

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'Created at or after this time.' })
  @IsOptional()
  @IsDateString({ strict: true }, { message: 'created_after must be an ISO 8601 date-time' })
  created_after?: string;

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'Created before this time.' })
  @IsOptional()
  @IsDateString({ strict: true }, { message: 'created_before must be an ISO 8601 date-time' })
  created_before?: string;
}
