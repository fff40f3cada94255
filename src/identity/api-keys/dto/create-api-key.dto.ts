import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsISO8601, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { SCOPES } from '../../../platform/auth/scopes';
import { SingleLine } from '../../../platform/validation/single-line';

export class CreateApiKeyDto {
  @ApiProperty({ description: 'A label to tell keys apart, e.g. "billing sync".', maxLength: 100, example: 'billing sync' })
  @IsString()
  @MaxLength(100)
  @Matches(/\S/, { message: 'name must not be blank' })
  @SingleLine()
  name: string;

  @ApiPropertyOptional({
    description:
      'What the key may do. Default `["*"]` (everything the account can do through the API). `"*"` cannot be combined with granular scopes. You cannot grant a scope you do not hold.',
    type: [String],
    enum: ['*', ...SCOPES],
    default: ['*'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(SCOPES.length + 1)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  scopes?: string[];

  @ApiPropertyOptional({ description: 'When the key stops working (ISO 8601, in the future). Default: never.', format: 'date-time' })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true }, { message: 'expires_at must be an ISO 8601 timestamp' })
  expires_at?: string;
}
