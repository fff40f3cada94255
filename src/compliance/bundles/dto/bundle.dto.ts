import { Nested } from '../../../platform/validation/nested.decorator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { ListEnvelopeDto } from '../../../platform/pagination/list';
import { NUMBER_TYPES } from '../../requirements/requirements';

export class CreateBundleDto {
  @ApiProperty({ example: 'eu_4fQ2hZpL0mN8rT6vX1yB3c' })
  @IsString()
  @Matches(/^eu_[0-9A-Za-z]{22}$/, { message: 'end_user_id must be an end-user id (eu_...).' })
  end_user_id: string;

  @ApiProperty({ type: [String], example: ['doc_4fQ2hZpL0mN8rT6vX1yB3c'] })
  @IsArray({ message: 'document_ids must be an array of document ids.' })
  @ArrayMaxSize(20)
  @Matches(/^doc_[0-9A-Za-z]{22}$/, { each: true, message: 'document_ids must contain document ids (doc_...).' })
  document_ids: string[];

  @ApiProperty({ example: 'DE' })
  @IsString()
  @Matches(/^[A-Z]{2}$/, { message: 'country must be an ISO 3166-1 alpha-2 code such as DE.' })
  country: string;

  @ApiProperty({ enum: NUMBER_TYPES })
  @IsIn(NUMBER_TYPES, { message: `number_type must be one of ${NUMBER_TYPES.join(', ')}.` })
  number_type: string;
}

export class ReviewItemDto {
  @ApiProperty({ description: '`end_user`, `end_user.<field>` or a document id of the bundle.', example: 'doc_4fQ2hZpL0mN8rT6vX1yB3c' })
  @IsString()
  @Matches(/^(end_user(\.[a-z_.]{1,40})?|doc_[0-9A-Za-z]{22})$/, { message: 'item must be end_user, end_user.<field> or a document id.' })
  item: string;

  @ApiProperty({ example: 'The scan is unreadable.' })
  @IsString()
  @Length(1, 500)
  reason: string;
}

export class ReviewBundleDto {
  @ApiPropertyOptional({ description: 'Required to reject.' })
  @IsOptional()
  @IsString()
  @Length(1, 1000)
  reason?: string;

  @ApiPropertyOptional({ type: [ReviewItemDto], description: 'Reasons per item (kept and shown to the customer).' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @Nested(() => ReviewItemDto, { each: true })
  items?: ReviewItemDto[];
}

class InvalidItemDto {
  @ApiProperty() field: string;
  @ApiProperty() reason: string;
}

export class RequirementResultDto {
  @ApiProperty() requirement: string;
  @ApiProperty() passed: boolean;
  @ApiProperty({ type: String, nullable: true }) failure_reason: string | null;
  @ApiProperty({ type: [InvalidItemDto] }) invalid: InvalidItemDto[];
}

export class EvaluationResponseDto {
  @ApiProperty({ enum: ['evaluation'] }) object: string;
  @ApiProperty() bundle_id: string;
  @ApiProperty({ enum: ['compliant', 'noncompliant'] }) result: string;
  @ApiProperty() requirements_version: string;
  @ApiProperty({ type: [RequirementResultDto] }) results: RequirementResultDto[];
}

export class BundleResponseDto {
  @ApiProperty({ example: 'bun_4fQ2hZpL0mN8rT6vX1yB3c' }) id: string;
  @ApiProperty({ enum: ['bundle'] }) object: string;
  @ApiProperty({ enum: ['draft', 'pending_review', 'approved', 'rejected'] }) status: string;
  @ApiProperty() end_user_id: string;
  @ApiProperty({ type: [String] }) document_ids: string[];
  @ApiProperty() country: string;
  @ApiProperty() number_type: string;
  @ApiProperty({ description: 'The requirements table version it was last evaluated against.' }) requirements_version: string;
  @ApiProperty({ type: EvaluationResponseDto, nullable: true, description: 'The last evaluation (submit stores it).' })
  evaluation: unknown;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) submitted_at: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) reviewed_at: string | null;
  @ApiProperty({ nullable: true, description: 'Reason and reasons per item of the review.' }) review: unknown;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
}

export class BundleListResponseDto extends ListEnvelopeDto {
  @ApiProperty({ type: [BundleResponseDto] }) data: BundleResponseDto[];
}
