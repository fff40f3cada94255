import { Nested } from '../../../platform/validation/nested.decorator';
import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { IsIn, IsObject, IsOptional, IsString, Length, Matches, MaxLength, ValidateBy } from 'class-validator';
import { ListEnvelopeDto } from '../../../platform/pagination/list';
import { END_USER_TYPES } from '../../requirements/requirements';

export const IDENTITY_DOCUMENT_TYPES = ['passport', 'id_card'] as const;

/** YYYY-MM-DD, a real calendar date, in the past, not before 1900. */
export function isPastDate(value: unknown, now = new Date()): boolean {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) return false;
  return date.getUTCFullYear() >= 1900 && date.getTime() < now.getTime();
}

function IsPastDate(): PropertyDecorator {
  return ValidateBy({
    name: 'isPastDate',
    validator: {
      validate: (value: unknown) => isPastDate(value),
      defaultMessage: (args) => `${args?.property} must be a real date in the past, as YYYY-MM-DD.`,
    },
  });
}

// Printable text without control characters; bounds keep rows and logs small.
const TEXT = /^[^\p{Cc}\p{Cs}]+$/u;
const textMessage = (field: string, max: number) => ({ message: `${field} must be 1-${max} printable characters.` });

export class AddressDto {
  @ApiProperty({ example: 'Friedrichstraße 43' })
  @IsString() @Length(1, 200) @Matches(TEXT, textMessage('address.street', 200))
  street: string;

  @ApiProperty({ example: 'Berlin' })
  @IsString() @Length(1, 100) @Matches(TEXT, textMessage('address.city', 100))
  city: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'BE' })
  @IsOptional() @IsString() @Length(1, 100) @Matches(TEXT, textMessage('address.region', 100))
  region?: string | null;

  @ApiProperty({ example: '10117' })
  @IsString() @Matches(/^[A-Za-z0-9][A-Za-z0-9 -]{0,14}$/, { message: 'address.postal_code must be 1-15 letters, digits, spaces or hyphens.' })
  postal_code: string;

  @ApiProperty({ example: 'DE', description: 'ISO 3166-1 alpha-2, upper case.' })
  @IsString() @Matches(/^[A-Z]{2}$/, { message: 'address.country must be an ISO 3166-1 alpha-2 code such as DE.' })
  country: string;
}

export class CreateEndUserDto {
  @ApiProperty({ enum: END_USER_TYPES })
  @IsIn(END_USER_TYPES, { message: 'type must be individual or business.' })
  type: (typeof END_USER_TYPES)[number];

  @ApiPropertyOptional({ type: String, nullable: true, description: 'Individuals (required).', example: 'Erika' })
  @IsOptional() @IsString() @Length(1, 100) @Matches(TEXT, textMessage('first_name', 100))
  first_name?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'Individuals (required).', example: 'Mustermann' })
  @IsOptional() @IsString() @Length(1, 100) @Matches(TEXT, textMessage('last_name', 100))
  last_name?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, format: 'date', description: 'Individuals. YYYY-MM-DD, a real past date. Encrypted at rest.', example: '1964-08-12' })
  @IsOptional() @IsPastDate()
  date_of_birth?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, enum: IDENTITY_DOCUMENT_TYPES, description: 'Individuals; given together with document_number.' })
  @IsOptional() @IsIn(IDENTITY_DOCUMENT_TYPES, { message: 'document_type must be passport or id_card.' })
  document_type?: (typeof IDENTITY_DOCUMENT_TYPES)[number] | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'Individuals. Encrypted at rest and never returned; responses show document_number_last4.',
    example: 'C01X00T47',
    writeOnly: true,
  })
  @IsOptional() @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9 -]{3,39}$/, { message: 'document_number must be 4-40 letters, digits, spaces or hyphens.' })
  document_number?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'Businesses (required).', example: 'Muster GmbH' })
  @IsOptional() @IsString() @Length(1, 200) @Matches(TEXT, textMessage('business_name', 200))
  business_name?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'Businesses. Encrypted at rest.', example: 'HRB 123456' })
  @IsOptional() @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9 ./-]{1,49}$/, { message: 'registration_number must be 2-50 letters, digits, spaces, dots, slashes or hyphens.' })
  registration_number?: string | null;

  @ApiProperty({ type: AddressDto })
  @IsObject({ message: 'address must be an object.' }) @Nested(() => AddressDto)
  address: AddressDto;
}

export class UpdateEndUserDto extends PartialType(OmitType(CreateEndUserDto, ['type'] as const)) {
  @ApiPropertyOptional({ type: String, description: 'Cannot change; present only to give a clear error.', readOnly: true })
  @IsOptional() @MaxLength(20)
  type?: string;
}

export class AddressResponseDto {
  @ApiProperty() street: string;
  @ApiProperty() city: string;
  @ApiProperty({ type: String, nullable: true }) region: string | null;
  @ApiProperty() postal_code: string;
  @ApiProperty() country: string;
}

export class EndUserResponseDto {
  @ApiProperty({ example: 'eu_4fQ2hZpL0mN8rT6vX1yB3c' }) id: string;
  @ApiProperty({ enum: ['end_user'] }) object: 'end_user';
  @ApiProperty({ enum: END_USER_TYPES }) type: string;
  @ApiProperty({ type: String, nullable: true }) first_name: string | null;
  @ApiProperty({ type: String, nullable: true }) last_name: string | null;
  @ApiProperty({ type: String, nullable: true, example: '1964-08-12' }) date_of_birth: string | null;
  @ApiProperty({ type: String, nullable: true, enum: IDENTITY_DOCUMENT_TYPES }) document_type: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'OT47', description: 'The only part of the document number ever returned.' })
  document_number_last4: string | null;
  @ApiProperty({ type: String, nullable: true }) business_name: string | null;
  @ApiProperty({ type: String, nullable: true }) registration_number: string | null;
  @ApiProperty({ type: AddressResponseDto }) address: AddressResponseDto;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
}

export class EndUserListResponseDto extends ListEnvelopeDto {
  @ApiProperty({ type: [EndUserResponseDto] }) data: EndUserResponseDto[];
}
