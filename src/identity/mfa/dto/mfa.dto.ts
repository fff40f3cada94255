import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
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

  @ApiProperty({ example: '123456', description: MFA_CODE_DESCRIPTION })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(32)
  code: string;
}
