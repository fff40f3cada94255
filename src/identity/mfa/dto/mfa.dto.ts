import { Nested } from '../../../platform/validation/nested.decorator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsNotEmpty, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';
import { PasskeyAssertionRequest } from '../../auth/dto/passkey-credential.request';
import { MFA_CODE_DESCRIPTION } from '../../auth/dto/step-up-proof.dto';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

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

  @ApiPropertyOptional({ example: '123456', description: `${MFA_CODE_DESCRIPTION} Send this or \`passkey\`.` })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(32)
  code?: string;

  @ApiPropertyOptional({
    type: PasskeyAssertionRequest,
    description: 'Instead of `code`: a passkey assertion (`credential.toJSON()`) for options from POST /v1/auth/mfa/passkey-options.',
  })
  @IsOptional()
  @IsObject()
  @Nested(() => PasskeyAssertionRequest)
  passkey?: PasskeyAssertionRequest;
}

export class MfaPasskeyOptionsRequest {
  @ApiProperty({ description: 'The `mfa_token` from the sign-in response.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  mfa_token: string;
}
