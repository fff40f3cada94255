import { ApiProperty } from '@nestjs/swagger';
import { MFA_POLICIES } from '../../sessions/mfa-policy-standing';
import type { AccountRow } from '../accounts.repository';
import type { MemberStanding } from '../sign-in-policy.service';
import { MemberFactorsResponse } from './member.dto';

export class MfaComplianceEntryResponse {
  @ApiProperty({ example: 'mem_4fQzT0bW9yXk2LmN8pRs1a' }) member_id: string;
  @ApiProperty() user_id: string;
  @ApiProperty() email: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: ['owner', 'admin', 'member'] }) role: string;
  @ApiProperty({ type: MemberFactorsResponse }) factors: MemberFactorsResponse;
  @ApiProperty({
    enum: ['grace', 'setup_only'],
    description: '`grace`: signs in normally until `deadline`; `setup_only`: the deadline passed, their sign-ins may only set up a factor.',
  })
  status: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) deadline: string | null;
}

export class MfaComplianceReportResponse {
  @ApiProperty({ enum: ['mfa_compliance_report'] }) object: 'mfa_compliance_report';
  @ApiProperty({ enum: MFA_POLICIES }) mfa_policy: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) grace_until: string | null;
  @ApiProperty({ type: [MfaComplianceEntryResponse], description: 'Members whose factors do not meet the policy, oldest membership first.' })
  data: MfaComplianceEntryResponse[];
}

export function toMfaComplianceReportResponse(account: AccountRow, below: MemberStanding[], now = new Date()): MfaComplianceReportResponse {
  const deadline = account.mfaGraceUntil;
  return {
    object: 'mfa_compliance_report',
    mfa_policy: account.mfaPolicy,
    grace_until: deadline?.toISOString() ?? null,
    data: below.map(({ member, factors }) => ({
      member_id: member.id,
      user_id: member.userId,
      email: member.user.email,
      name: member.user.name,
      role: member.role,
      factors,
      status: deadline && deadline > now ? 'grace' : 'setup_only',
      deadline: deadline?.toISOString() ?? null,
    })),
  };
}
