import { Nested } from '../../../platform/validation/nested.decorator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsNotEmpty, IsObject, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

/*
 * The browser's PublicKeyCredential.toJSON() shapes (WebAuthn Level 3), field names as the
 * browser writes them. They live beside the SecondFactor port, which takes an assertion.
 */
const BASE64URL = /^[A-Za-z0-9_-]*$/;
const B64 = { message: '$property must be base64url' };

class AttestationResponseRequest {
  @ApiProperty() @IsString() @MaxLength(4096) @Matches(BASE64URL, B64) clientDataJSON: string;
  @ApiProperty() @IsString() @MaxLength(65536) @Matches(BASE64URL, B64) attestationObject: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(65536) @Matches(BASE64URL, B64) authenticatorData?: string;
  @ApiPropertyOptional({ type: [String] }) @IsOptional() @IsArray() @ArrayMaxSize(10) @IsString({ each: true }) @MaxLength(32, { each: true })
  transports?: string[];
  @ApiPropertyOptional() @IsOptional() @IsInt() publicKeyAlgorithm?: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(8192) @Matches(BASE64URL, B64) publicKey?: string;
}

class AssertionResponseRequest {
  @ApiProperty() @IsString() @MaxLength(4096) @Matches(BASE64URL, B64) clientDataJSON: string;
  @ApiProperty() @IsString() @MaxLength(4096) @Matches(BASE64URL, B64) authenticatorData: string;
  // ML-DSA-87 signatures are 4,627 bytes (Chromium offers ML-DSA where the server's Node has it): room for them.
  @ApiProperty() @IsString() @MaxLength(8192) @Matches(BASE64URL, B64) signature: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(512) @Matches(BASE64URL, B64) userHandle?: string;
}

/** The fields every PublicKeyCredential.toJSON() carries. */
abstract class CredentialRequest {
  @ApiProperty({ description: 'The credential id, base64url.' }) @IsString() @IsNotEmpty() @MaxLength(1366) @Matches(BASE64URL, B64) id: string;
  @ApiProperty({ description: 'The same id, base64url.' }) @IsString() @IsNotEmpty() @MaxLength(1366) @Matches(BASE64URL, B64) rawId: string;
  @ApiProperty({ enum: ['public-key'] }) @IsIn(['public-key'], { message: 'type must be public-key' }) type: 'public-key';
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The browser’s extension results (ignored).' })
  @IsObject()
  clientExtensionResults: Record<string, unknown>;
  @ApiPropertyOptional({ enum: ['platform', 'cross-platform'] })
  @IsOptional()
  @IsIn(['platform', 'cross-platform'], { message: 'authenticatorAttachment must be platform or cross-platform' })
  authenticatorAttachment?: 'platform' | 'cross-platform';
}

/** What `navigator.credentials.create()` gave the browser, as `credential.toJSON()` encodes it. */
export class PasskeyAttestationRequest extends CredentialRequest {
  @ApiProperty({ type: AttestationResponseRequest }) @IsObject() @Nested(() => AttestationResponseRequest)
  response: AttestationResponseRequest;
}

/** What `navigator.credentials.get()` gave the browser, as `credential.toJSON()` encodes it. */
export class PasskeyAssertionRequest extends CredentialRequest {
  @ApiProperty({ type: AssertionResponseRequest }) @IsObject() @Nested(() => AssertionResponseRequest)
  response: AssertionResponseRequest;
}

