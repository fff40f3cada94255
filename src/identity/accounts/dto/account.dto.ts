import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { SingleLine } from '../../../platform/validation/single-line';
import type { AccountRow } from '../accounts.repository';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class UpdateAccountDto {
  @ApiProperty({ minLength: 1, maxLength: 100, example: 'Acme Telecom' })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @SingleLine()
  name: string;
}

export class AccountResponseDto {
  @ApiProperty({ example: 'acct_4fQzT0bW9yXk2LmN8pRs1a' }) id: string;
  @ApiProperty({ enum: ['account'] }) object: 'account';
  @ApiProperty() name: string;
  @ApiProperty({ enum: ['active', 'closed'] }) status: string;
  @ApiProperty({ description: 'Whether the operator enabled API keys (beta) for this account.' }) api_keys_enabled: boolean;
  @ApiProperty({ format: 'date-time' }) created_at: string;
}

export function toAccountResponse(row: AccountRow): AccountResponseDto {
  return {
    id: row.id,
    object: 'account',
    name: row.name,
    status: row.status,
    api_keys_enabled: row.apiKeysEnabled,
    created_at: row.createdAt.toISOString(),
  };
}
