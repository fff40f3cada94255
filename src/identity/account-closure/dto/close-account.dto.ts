import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsNotEmpty, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';
import { Nested } from '../../../platform/validation/nested.decorator';
import { PasswordField } from '../../auth/dto/auth-fields';
import { PasskeyAssertionRequest } from '../../auth/dto/passkey-credential.request';
import type { ClosedAccountRow } from '../account-closure.repository';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CloseAccountDto {
  @PasswordField()
  password: string;

  @ApiPropertyOptional({ example: '123456', description: 'Required when MFA is on (or `passkey`): a current TOTP code or a recovery code.' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(32)
  code?: string;

  @ApiPropertyOptional({
    type: PasskeyAssertionRequest,
    description: 'Instead of `code`: a passkey assertion for options from POST /v1/auth/passkeys/step-up-options.',
  })
  @IsOptional()
  @IsObject()
  @Nested(() => PasskeyAssertionRequest)
  passkey?: PasskeyAssertionRequest;
}

export class AccountClosureResponseDto {
  @ApiProperty({ enum: ['account'] }) object: 'account';
  @ApiProperty() id: string;
  @ApiProperty({ enum: ['closed'] }) status: string;
  @ApiProperty({ format: 'date-time' }) closed_at: string;
  @ApiProperty({ format: 'date-time', description: 'When the account’s personal data will be anonymised (30 days after closure by default).' })
  anonymize_after: string;
}

export function toAccountClosureResponse(row: ClosedAccountRow, anonymizeAfter: Date): AccountClosureResponseDto {
  return {
    object: 'account',
    id: row.id,
    status: row.status,
    closed_at: (row.closedAt ?? new Date()).toISOString(),
    anonymize_after: anonymizeAfter.toISOString(),
  };
}
