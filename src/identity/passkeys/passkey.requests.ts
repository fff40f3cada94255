import { Nested } from '../../platform/validation/nested.decorator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsObject, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { PasskeyAssertionRequest, PasskeyAttestationRequest } from '../auth/dto/passkey-credential.request';
import { SingleLine } from '../../platform/validation/single-line';
const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class RegisterPasskeyRequest {
  @ApiProperty({ type: PasskeyAttestationRequest, description: 'The new credential, `credential.toJSON()` in the browser.' })
  @IsObject()
  @Nested(() => PasskeyAttestationRequest)
  credential: PasskeyAttestationRequest;

  @ApiPropertyOptional({ maxLength: 64, example: 'MacBook Touch ID', description: 'Default: "Passkey" and the date.' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  @SingleLine()
  name?: string;
}

export class RenamePasskeyRequest {
  @ApiProperty({ maxLength: 64, example: 'YubiKey 5C' })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  @SingleLine()
  name: string;
}

export class PasskeyLoginRequest {
  @ApiProperty({ type: PasskeyAssertionRequest, description: 'The assertion, `credential.toJSON()` in the browser.' })
  @IsObject()
  @Nested(() => PasskeyAssertionRequest)
  credential: PasskeyAssertionRequest;
}
