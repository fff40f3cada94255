import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength, MinLength } from 'class-validator';
import type { InvitationRow } from '../invitations.repository';

export class InvitationResponseDto {
  @ApiProperty({ example: 'inv_4fQzT0bW9yXk2LmN8pRs1a' }) id: string;
  @ApiProperty({ enum: ['invitation'] }) object: 'invitation';
  @ApiProperty() account_id: string;
  @ApiProperty({ description: 'The invited address; the invitation was mailed there.' }) email: string;
  @ApiProperty({ enum: ['owner', 'admin', 'member'] }) role: string;
  @ApiProperty({ type: [String] }) permissions: string[];
  @ApiProperty({ format: 'date-time' }) expires_at: string;
  @ApiProperty({ format: 'date-time' }) created_at: string;
}

export class AcceptInvitationDto {
  @ApiProperty({ description: 'The `token` from the invitation mail.' })
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  token: string;
}

export class SwitchAccountDto {
  @ApiProperty({ example: 'acct_4fQzT0bW9yXk2LmN8pRs1a' })
  @IsString()
  @Matches(/^acct_[0-9A-Za-z]{22}$/, { message: 'account_id must be an account id (acct_…)' })
  account_id: string;
}

export function toInvitationResponse(row: InvitationRow): InvitationResponseDto {
  return {
    id: row.id,
    object: 'invitation',
    account_id: row.accountId ?? '',
    email: row.email ?? '',
    role: row.role ?? 'member',
    permissions: row.permissions,
    expires_at: row.expiresAt.toISOString(),
    created_at: row.createdAt.toISOString(),
  };
}
