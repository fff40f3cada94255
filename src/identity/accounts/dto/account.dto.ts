import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { MFA_POLICIES, type MfaPolicy } from '../../sessions/mfa-policy-standing';
import { SingleLine } from '../../../platform/validation/single-line';
import type { AccountRow } from '../accounts.repository';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class UpdateAccountDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 100, example: 'Acme Telecom' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @SingleLine()
  name?: string;

  @ApiPropertyOptional({
    enum: MFA_POLICIES,
    description:
      "Members' sign-in policy (owner, session, step-up within 10 minutes): `required` — a second factor (passkey or TOTP) at " +
      'every interactive sign-in; `phishing_resistant` — only passkeys count. Members below it keep working during the grace ' +
      'period, then may only set a factor up (403 mfa_setup_required elsewhere). API keys are not affected.',
  })
  @IsOptional()
  @IsIn(MFA_POLICIES, { message: `mfa_policy must be one of: ${MFA_POLICIES.join(', ')}` })
  mfa_policy?: MfaPolicy;

  @ApiPropertyOptional({ minimum: 0, maximum: 90, description: 'Days from now members have to comply (restarts the grace period); 7 when a new policy is set without it.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(90)
  mfa_grace_period_days?: number;
}

export class AccountResponseDto {
  @ApiProperty({ example: 'acct_4fQzT0bW9yXk2LmN8pRs1a' }) id: string;
  @ApiProperty({ enum: ['account'] }) object: 'account';
  @ApiProperty() name: string;
  @ApiProperty({ enum: ['active', 'closed'] }) status: string;
  @ApiProperty({ description: 'Whether the operator enabled API keys (beta) for this account.' }) api_keys_enabled: boolean;
  @ApiProperty({ enum: MFA_POLICIES, description: "Members' sign-in policy." }) mfa_policy: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'End of the grace period of the current policy.' })
  mfa_grace_until: string | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
}

export function toAccountResponse(row: AccountRow): AccountResponseDto {
  return {
    id: row.id,
    object: 'account',
    name: row.name,
    status: row.status,
    api_keys_enabled: row.apiKeysEnabled,
    mfa_policy: row.mfaPolicy,
    mfa_grace_until: row.mfaGraceUntil?.toISOString() ?? null,
    created_at: row.createdAt.toISOString(),
  };
}
