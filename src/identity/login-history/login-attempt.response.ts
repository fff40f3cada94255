import { ApiProperty } from '@nestjs/swagger';
import { ListEnvelopeDto } from '../../platform/pagination/list';
import type { LoginAttemptRow } from './login-history.repository';

export class LoginAttemptResponse {
  @ApiProperty({ example: 'la_4fQd0c2v9Hq1xZ8mB7nK3w' }) id: string;
  @ApiProperty({ enum: ['login_attempt'] }) object: 'login_attempt';
  @ApiProperty() success: boolean;
  @ApiProperty({ enum: ['password', 'mfa', 'oauth', 'verify_email', 'password_reset', 'passkey'] }) method: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'Why the attempt failed: invalid_password, email_not_verified, account_closed, locked_out, token_expired, mfa_required (first factor passed, second pending), ...',
  })
  failure_reason: string | null;
  @ApiProperty({ type: String, nullable: true }) ip: string | null;
  @ApiProperty({ type: String, nullable: true }) user_agent: string | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
}

export class LoginAttemptListResponse extends ListEnvelopeDto {
  @ApiProperty({ type: [LoginAttemptResponse] }) data: LoginAttemptResponse[];
}

export function toLoginAttemptResponse(row: LoginAttemptRow): LoginAttemptResponse {
  return {
    id: row.id,
    object: 'login_attempt',
    success: row.success,
    method: row.method,
    failure_reason: row.failureReason,
    ip: row.ip,
    user_agent: row.userAgent,
    created_at: row.createdAt.toISOString(),
  };
}
