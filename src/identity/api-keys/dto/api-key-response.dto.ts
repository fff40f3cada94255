import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ListEnvelopeDto } from '../../../platform/pagination/list';

export type ApiKeyStatus = 'active' | 'expired' | 'revoked';

export class ApiKeyResponseDto {
  @ApiProperty({ enum: ['api_key'] }) object: 'api_key';
  @ApiProperty({ example: 'key_4fQ0aZ...' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ description: 'The first characters of the key, to recognise it.', example: 'didhub_live_AbC123' }) prefix: string;
  @ApiProperty({ type: [String], example: ['*'] }) scopes: string[];
  @ApiProperty({ enum: ['active', 'expired', 'revoked'] }) status: ApiKeyStatus;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) expires_at: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) revoked_at: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) created_at: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Updated at most about once a minute.' })
  last_used_at: string | null;
  @ApiProperty({ type: String, nullable: true }) last_used_ip: string | null;
}

export class CreatedApiKeyResponseDto extends ApiKeyResponseDto {
  @ApiPropertyOptional({
    description: 'The secret key. Returned only in this response: DIDHub stores only a keyed hash of it.',
    example: 'didhub_live_...',
  })
  key: string;
}

export class ApiKeyListResponseDto extends ListEnvelopeDto {
  @ApiProperty({ type: [ApiKeyResponseDto] }) data: ApiKeyResponseDto[];
}
