import { ApiProperty } from '@nestjs/swagger';
import type { PasskeyRow } from './passkeys.repository';

export class PasskeyResponse {
  @ApiProperty({ example: 'pk_4fQzT0bW9yXk2LmN8pRs1a' }) id: string;
  @ApiProperty({ enum: ['passkey'] }) object: 'passkey';
  @ApiProperty({ example: 'MacBook Touch ID' }) name: string;
  @ApiProperty({ enum: ['single_device', 'multi_device'], description: '`multi_device`: a synced passkey (iCloud Keychain, Google Password Manager…).' })
  device_type: string;
  @ApiProperty({ description: 'Whether the passkey is backed up (synced) by its provider.' }) backed_up: boolean;
  @ApiProperty({ type: [String], example: ['internal', 'hybrid'] }) transports: string[];
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) last_used_at: string | null;
}

export class PasskeyListResponse {
  @ApiProperty({ enum: ['list'] }) object: 'list';
  @ApiProperty({ type: [PasskeyResponse] }) data: PasskeyResponse[];
  @ApiProperty({ description: 'Always false: a user has at most 20 passkeys, all listed.' }) has_more: boolean;
  @ApiProperty({ nullable: true, type: String }) next_cursor: string | null;
}

export class PasskeyOptionsResponse {
  @ApiProperty({ enum: ['passkey_options'] }) object: 'passkey_options';
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'WebAuthn options in their JSON form: pass them to `PublicKeyCredential.parseCreationOptionsFromJSON()` / ' +
      '`parseRequestOptionsFromJSON()` (or @simplewebauthn/browser). The challenge is single use and expires in 5 minutes.',
  })
  options: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) expires_at: string;
}

export function toPasskeyResponse(row: PasskeyRow): PasskeyResponse {
  return {
    id: row.id,
    object: 'passkey',
    name: row.name,
    device_type: row.deviceType === 'multiDevice' ? 'multi_device' : 'single_device',
    backed_up: row.backedUp,
    transports: row.transports,
    created_at: row.createdAt.toISOString(),
    last_used_at: row.lastUsedAt?.toISOString() ?? null,
  };
}

export function toPasskeyOptionsResponse(options: object, expiresAt: Date): PasskeyOptionsResponse {
  return { object: 'passkey_options', options: options as Record<string, unknown>, expires_at: expiresAt.toISOString() };
}
