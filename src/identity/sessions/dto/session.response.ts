import { ApiProperty } from '@nestjs/swagger';
import { ListEnvelopeDto } from '../../../platform/pagination/list';
import type { SessionRow } from '../session-management.repository';

export class SessionResponseDto {
  @ApiProperty({ example: 'ses_4fQzT0bW9yXk2LmN8pRs1a' }) id: string;
  @ApiProperty({ enum: ['session'] }) object: 'session';
  @ApiProperty({ description: 'The account this session currently acts for.' }) account_id: string;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time', description: 'Last recorded activity (recorded at most about once a minute).' })
  last_active_at: string;
  @ApiProperty({
    format: 'date-time',
    description: 'When the session ends without further activity: the earlier of the idle window and the absolute lifetime.',
  })
  expires_at: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) revoked_at: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Client IP address at sign-in.' }) ip: string | null;
  @ApiProperty({ type: String, nullable: true }) user_agent: string | null;
  @ApiProperty({ description: 'True for the session making this request.' }) current: boolean;
}

export class SessionListResponseDto extends ListEnvelopeDto {
  @ApiProperty({ type: [SessionResponseDto] }) data: SessionResponseDto[];
}

export class RevokeOthersResponseDto {
  @ApiProperty({ description: 'How many other live sessions were ended.', example: 2 }) revoked_count: number;
}

export function toSessionResponse(row: SessionRow, currentSessionId: string): SessionResponseDto {
  const expiresAt = row.idleExpiresAt < row.absoluteExpiresAt ? row.idleExpiresAt : row.absoluteExpiresAt;
  return {
    id: row.id,
    object: 'session',
    account_id: row.accountId,
    created_at: row.createdAt.toISOString(),
    last_active_at: row.lastActiveAt.toISOString(),
    expires_at: expiresAt.toISOString(),
    revoked_at: row.revokedAt ? row.revokedAt.toISOString() : null,
    ip: row.ip,
    user_agent: row.userAgent,
    current: row.id === currentSessionId,
  };
}
