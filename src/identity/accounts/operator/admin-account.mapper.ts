import { readOverrides } from '../../../data-protection/retention/retention-overrides';
import type { AdminAccountRecord } from './admin-accounts.repository';
import type { AdminAccountResponseDto } from './dto/admin-account-response.dto';

export function toAdminAccountResponse(account: AdminAccountRecord): AdminAccountResponseDto {
  return {
    object: 'account',
    id: account.id,
    name: account.name,
    status: account.status,
    closed_at: account.closedAt?.toISOString() ?? null,
    anonymized_at: account.anonymizedAt?.toISOString() ?? null,
    api_keys_enabled: account.apiKeysEnabled,
    sip_private_hosts_allowed: account.sipPrivateHostsAllowed,
    rate_limit_read_per_minute: account.rateLimitReadPerMinute,
    rate_limit_write_per_minute: account.rateLimitWritePerMinute,
    retention_overrides: account.retentionOverrides === null ? null : readOverrides(account.retentionOverrides),
    created_at: account.createdAt.toISOString(),
    updated_at: account.updatedAt.toISOString(),
  };
}
