import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { PASSWORD_MAX_LENGTH } from '../../auth/password-policy';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

const CODE_DESCRIPTION = 'A 6-digit code from the authenticator app, or one of the recovery codes (each works once).';

export class MfaCodeDto {
  @ApiProperty({ example: '123456', description: 'The 6-digit code the authenticator app shows now.' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(32)
  code: string;
}

export class MfaVerifyDto {
  @ApiProperty({ description: 'The `mfa_token` from the sign-in response (5 minutes, single use).' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  mfa_token: string;

  @ApiProperty({ example: '123456', description: CODE_DESCRIPTION })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(32)
  code: string;
}

/** Proof of identity for sensitive MFA changes and step-up: `code` or `password`. */
export class MfaProofDto {
  @ApiPropertyOptional({ example: '123456', description: CODE_DESCRIPTION })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(32)
  code?: string;

  @ApiPropertyOptional({ format: 'password', maxLength: PASSWORD_MAX_LENGTH, description: 'The current password.', example: 'a long passphrase 42' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(PASSWORD_MAX_LENGTH)
  password?: string;
}
