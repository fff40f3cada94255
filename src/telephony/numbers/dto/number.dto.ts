import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { ListEnvelopeDto, ListQueryDto } from '../../../platform/pagination/list';
import { NUMBER_TYPES } from '../../../compliance/requirements/requirements';

export const E164_PATTERN = /^\+[1-9]\d{6,14}$/;

export class AssignNumberDto {
  @ApiProperty({
    example: '+4930123456789',
    description:
      'E.164: +, country code, subscriber number; 8-15 digits. Must be a number the country’s numbering plan assigns; ' +
      'its country and number type are read from it.',
  })
  @IsString()
  @Matches(E164_PATTERN, { message: 'e164 must be an E.164 number such as +4930123456789.' })
  e164: string;

  @ApiPropertyOptional({
    example: 'DE',
    description: 'Optional: the country is read from `e164`. When sent, it must be that country, else 400 naming `country`.',
  })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Z]{2}$/, { message: 'country must be an ISO 3166-1 alpha-2 code such as DE.' })
  country?: string;

  @ApiPropertyOptional({
    enum: NUMBER_TYPES,
    description:
      'Optional: the type is read from `e164` (fixed line → local, also where the plan cannot tell fixed from mobile, as in +1; ' +
      'mobile → mobile; toll free → toll_free; VoIP and universal access → national). When sent, it must be that type, ' +
      'else 400 naming `number_type`. Other kinds (premium rate, shared cost, personal) are not sold: 400 naming `e164`.',
  })
  @IsOptional()
  @IsIn(NUMBER_TYPES, { message: `number_type must be one of ${NUMBER_TYPES.join(', ')}.` })
  number_type?: string;

  @ApiPropertyOptional({ description: 'An approved bundle of the same country and number type, where the requirements need one.' })
  @IsOptional()
  @IsString()
  @Matches(/^bun_[0-9A-Za-z]{22}$/, { message: 'bundle_id must be a bundle id (bun_...).' })
  bundle_id?: string;
}

class NumberFilterDto {
  @ApiPropertyOptional({ enum: ['active', 'released'] })
  @IsOptional()
  @IsIn(['active', 'released'], { message: 'status must be active or released.' })
  status?: string;
}

export class ListNumbersQueryDto extends IntersectionType(ListQueryDto, NumberFilterDto) {}

export class NumberResponseDto {
  @ApiProperty({ example: 'num_4fQ2hZpL0mN8rT6vX1yB3c' }) id: string;
  @ApiProperty({ enum: ['number'] }) object: string;
  @ApiProperty() e164: string;
  @ApiProperty() country: string;
  @ApiProperty({ enum: NUMBER_TYPES }) number_type: string;
  @ApiProperty({ type: String, nullable: true }) bundle_id: string | null;
  @ApiProperty({ enum: ['active', 'released'] }) status: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: "Starts the regulator's retention window." })
  released_at: string | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
}

export class NumberListResponseDto extends ListEnvelopeDto {
  @ApiProperty({ type: [NumberResponseDto] }) data: NumberResponseDto[];
}
