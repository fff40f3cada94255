import { Nested } from '../../../platform/validation/nested.decorator';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsNotEmpty, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';
import { PasskeyAssertionRequest } from './passkey-credential.request';
import { PASSWORD_MAX_LENGTH } from '../password-policy';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export const MFA_CODE_DESCRIPTION = 'A 6-digit code from the authenticator app, or one of the recovery codes (each works once).';

/** Proof of identity for step-up and sensitive changes: `code` or `passkey` (with MFA on), or `password`. */
export class StepUpProofDto {
  @ApiPropertyOptional({ example: '123456', description: MFA_CODE_DESCRIPTION })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(32)
  code?: string;

  @ApiPropertyOptional({ format: 'password', maxLength: PASSWORD_MAX_LENGTH, description: 'The current password.' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(PASSWORD_MAX_LENGTH)
  password?: string;

  @ApiPropertyOptional({
    type: PasskeyAssertionRequest,
    description: 'Instead of `code`: a passkey assertion (`credential.toJSON()`) for options from POST /v1/auth/passkeys/step-up-options.',
  })
  @IsOptional()
  @IsObject()
  @Nested(() => PasskeyAssertionRequest)
  passkey?: PasskeyAssertionRequest;
}
