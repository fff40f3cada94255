import type { ApiKeyRecord } from './api-keys.repository';
import type { ApiKeyResponseDto, ApiKeyStatus, CreatedApiKeyResponseDto } from './dto/api-key-response.dto';

function statusOf(key: ApiKeyRecord, now: Date): ApiKeyStatus {
  if (key.revokedAt) return 'revoked';
  if (key.expiresAt && key.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'active';
}

export function toApiKeyResponse(key: ApiKeyRecord, now = new Date()): ApiKeyResponseDto {
  return {
    object: 'api_key',
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    scopes: key.scopes,
    status: statusOf(key, now),
    expires_at: key.expiresAt?.toISOString() ?? null,
    revoked_at: key.revokedAt?.toISOString() ?? null,
    created_at: key.createdAt.toISOString(),
    last_used_at: key.lastUsedAt?.toISOString() ?? null,
    last_used_ip: key.lastUsedIp,
  };
}

/** The one response that carries the raw key. */
export function toCreatedApiKeyResponse(key: ApiKeyRecord, raw: string): CreatedApiKeyResponseDto {
  return { ...toApiKeyResponse(key), key: raw };
}
