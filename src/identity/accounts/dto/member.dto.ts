import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsEmail, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { ALL_SCOPES, SCOPES } from '../../../platform/auth/scopes';
import { ListEnvelopeDto } from '../../../platform/pagination/list';
import type { MemberRow } from '../members.repository';

export const ROLES = ['owner', 'admin', 'member'] as const;
export type Role = (typeof ROLES)[number];
export const PERMISSIONS: readonly string[] = [ALL_SCOPES, ...SCOPES];

const PERMISSIONS_DESCRIPTION =
  'Extra permissions, in the API-key scope vocabulary. Owners and admins hold every permission; ' +
  'members hold all but `cdrs:read` unless granted it.';

export class AddMemberDto {
  @ApiProperty({ example: 'colleague@example.com', maxLength: 254 })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  @IsString()
  @MaxLength(254)
  @IsEmail({}, { message: 'email must be an e-mail address' })
  email: string;

  @ApiProperty({ enum: ROLES, description: 'Only an owner may add another owner.' })
  @IsIn(ROLES, { message: `role must be one of: ${ROLES.join(', ')}` })
  role: Role;

  @ApiPropertyOptional({ type: [String], enum: PERMISSIONS, description: PERMISSIONS_DESCRIPTION, default: [] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(PERMISSIONS.length)
  @IsIn(PERMISSIONS, { each: true, message: `permissions may only contain: ${PERMISSIONS.join(', ')}` })
  permissions?: string[];
}

export class UpdateMemberDto {
  @ApiPropertyOptional({ enum: ROLES, description: 'Only an owner may grant or take away the owner role.' })
  @IsOptional()
  @IsIn(ROLES, { message: `role must be one of: ${ROLES.join(', ')}` })
  role?: Role;

  @ApiPropertyOptional({ type: [String], enum: PERMISSIONS, description: `${PERMISSIONS_DESCRIPTION} Replaces the list.` })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(PERMISSIONS.length)
  @IsIn(PERMISSIONS, { each: true, message: `permissions may only contain: ${PERMISSIONS.join(', ')}` })
  permissions?: string[];
}

export class MemberFactorsResponse {
  @ApiProperty({ description: 'An authenticator app (TOTP) is set up.' }) totp: boolean;
  @ApiProperty({ description: 'How many passkeys the member has registered.' }) passkeys: number;
}

export class MemberResponseDto {
  @ApiProperty({ example: 'mem_4fQzT0bW9yXk2LmN8pRs1a', description: 'The membership id.' }) id: string;
  @ApiProperty({ enum: ['member'] }) object: 'member';
  @ApiProperty() account_id: string;
  @ApiProperty() user_id: string;
  @ApiProperty() email: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: ROLES }) role: string;
  @ApiProperty({ type: [String] }) permissions: string[];
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiPropertyOptional({ type: MemberFactorsResponse, description: "The member's second factors (in the member list)." })
  factors?: MemberFactorsResponse;
}

export class MemberListResponseDto extends ListEnvelopeDto {
  @ApiProperty({ type: [MemberResponseDto] }) data: MemberResponseDto[];
}

export function toMemberResponse(row: MemberRow, passkeys?: number): MemberResponseDto {
  return {
    id: row.id,
    object: 'member',
    account_id: row.accountId,
    user_id: row.userId,
    email: row.user.email,
    name: row.user.name,
    role: row.role,
    permissions: row.permissions,
    created_at: row.createdAt.toISOString(),
    ...(passkeys === undefined ? {} : { factors: { totp: row.user.mfaEnabled, passkeys } }),
  };
}
