import { ApiProperty } from '@nestjs/swagger';
import type { MfaSetup } from './mfa.service';

export class MfaSetupResponse {
  @ApiProperty({ description: 'The user this setup is for.' }) id: string;
  @ApiProperty({ enum: ['mfa_setup'] }) object: 'mfa_setup';
  @ApiProperty({ description: 'Base32 TOTP secret, for typing into an authenticator app. Shown once.' }) secret: string;
  @ApiProperty({ example: 'otpauth://totp/DIDHub:ada%40example.com?secret=...&issuer=DIDHub' }) otpauth_url: string;
  @ApiProperty({ description: 'The otpauth URL as a QR code: a `data:image/svg+xml;base64,...` URL.' }) qr_code: string;
}

export class MfaStatusResponse {
  @ApiProperty({ description: 'The user.' }) id: string;
  @ApiProperty({ enum: ['mfa_status'] }) object: 'mfa_status';
  @ApiProperty() enabled: boolean;
}

export class MfaEnabledResponse extends MfaStatusResponse {
  @ApiProperty({ type: [String], description: 'Ten one-time recovery codes. Shown only in this response: store them safely.' })
  recovery_codes: string[];
}

export class MfaRecoveryCodesResponse {
  @ApiProperty({ description: 'The user.' }) id: string;
  @ApiProperty({ enum: ['mfa_recovery_codes'] }) object: 'mfa_recovery_codes';
  @ApiProperty({ type: [String], description: 'Ten new one-time codes; the previous ones no longer work. Shown once.' })
  recovery_codes: string[];
}

export function toMfaSetupResponse(setup: MfaSetup): MfaSetupResponse {
  return { id: setup.userId, object: 'mfa_setup', secret: setup.secret, otpauth_url: setup.otpauthUrl, qr_code: setup.qrCode };
}

export function toMfaStatusResponse(userId: string, enabled: boolean): MfaStatusResponse {
  return { id: userId, object: 'mfa_status', enabled };
}

export function toMfaEnabledResponse(userId: string, recoveryCodes: string[]): MfaEnabledResponse {
  return { id: userId, object: 'mfa_status', enabled: true, recovery_codes: recoveryCodes };
}

export function toRecoveryCodesResponse(userId: string, recoveryCodes: string[]): MfaRecoveryCodesResponse {
  return { id: userId, object: 'mfa_recovery_codes', recovery_codes: recoveryCodes };
}
