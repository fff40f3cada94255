import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { ListEnvelopeDto, ListQueryDto } from '../../../platform/pagination/list';
import { DOCUMENT_TYPES } from '../../requirements/requirements';

export class DocumentResponseDto {
  @ApiProperty({ example: 'doc_4fQ2hZpL0mN8rT6vX1yB3c' }) id: string;
  @ApiProperty({ enum: ['document'] }) object: 'document';
  @ApiProperty({ enum: DOCUMENT_TYPES }) type: string;
  @ApiProperty({ type: String, nullable: true }) end_user_id: string | null;
  @ApiProperty({ enum: ['application/pdf', 'image/jpeg', 'image/png'], description: 'Detected from the content, not from the client.' })
  content_type: string;
  @ApiProperty({ description: 'Size of the file in bytes.' }) size_bytes: number;
  @ApiProperty({ description: 'SHA-256 of the file, hex.' }) sha256: string;
  @ApiProperty({ format: 'date-time' }) created_at: string;
}

export class DocumentListResponseDto extends ListEnvelopeDto {
  @ApiProperty({ type: [DocumentResponseDto] }) data: DocumentResponseDto[];
}

class DocumentFilterDto {
  @ApiPropertyOptional({ description: 'Only documents filed under this end-user.' })
  @IsOptional()
  @Matches(/^eu_[0-9A-Za-z]{22}$/, { message: 'end_user_id must be an end-user id (eu_...).' })
  end_user_id?: string;
}

export class ListDocumentsQueryDto extends IntersectionType(ListQueryDto, DocumentFilterDto) {}

/** The multipart body, as OpenAPI shows it (Swagger UI renders a file picker). */
export const UPLOAD_BODY_SCHEMA = {
  type: 'object',
  required: ['file', 'type'],
  properties: {
    file: { type: 'string', format: 'binary', description: 'PDF, JPEG or PNG; recognised by content. Not password-protected.' },
    type: { type: 'string', enum: [...DOCUMENT_TYPES] },
    // An empty example: without one Swagger UI pre-fills "string" (a 404); empty, it sends `end_user_id=`, read as absent.
    end_user_id: { type: 'string', example: '', description: 'Optional: the end-user the document belongs to (eu_...). Empty = none.' },
  },
};
