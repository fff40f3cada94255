import type { AdminAccountRecord } from './admin-accounts.repository';
import type { AdminAccountResponseDto } from './dto/admin-account-response.dto';

export function toAdminAccountResponse(account: AdminAccountRecord): AdminAccountResponseDto {
  return {
    object: 'account',
    id: account.id,
    name: account.name,
    status: account.status,
    closed_at: account.closedAt?.toISOString() ?? null,
    api_keys_enabled: account.apiKeysEnabled,
    rate_limit_read_per_minute: account.rateLimitReadPerMinute,
    rate_limit_write_per_minute: account.rateLimitWritePerMinute,
    created_at: account.createdAt.toISOString(),
    updated_at: account.updatedAt.toISOString(),
  };
}
