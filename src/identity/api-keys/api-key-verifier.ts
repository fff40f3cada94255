import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../../platform/config/config.module';
import type { AppConfig } from '../../platform/config/config.types';
import type { ApiKeyPrincipal } from '../../platform/request/principal';
import { hashApiKey, isWellFormedApiKey } from './api-key-token';
import { ApiKeyAuthRepository } from './api-key-auth.repository';

const LAST_USED_INTERVAL_MS = 60_000;

/** Bearer key → principal: format and checksum check, then one lookup by keyed hash. */
@Injectable()
export class ApiKeyVerifier {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly keys: ApiKeyAuthRepository,
  ) {}

  async verify(raw: string, ip: string | null): Promise<ApiKeyPrincipal | null> {
    if (!isWellFormedApiKey(raw)) return null;
    const key = await this.keys.findByHash(hashApiKey(raw, this.config.apiKeyPepper));
    const now = Date.now();
    if (!key || key.revokedAt || key.accountStatus !== 'active') return null;
    if (key.expiresAt && key.expiresAt.getTime() <= now) return null;
    if (!key.lastUsedAt || now - key.lastUsedAt.getTime() >= LAST_USED_INTERVAL_MS) {
      await this.keys.markUsed(key.id, new Date(now), ip, new Date(now - LAST_USED_INTERVAL_MS));
    }
    const account = {
      id: key.accountId,
      name: key.accountName,
      status: key.accountStatus,
      apiKeysEnabled: key.accountApiKeysEnabled,
      createdAt: key.accountCreatedAt,
      updatedAt: key.accountUpdatedAt,
      rateLimitReadPerMinute: key.accountReadPerMinute,
      rateLimitWritePerMinute: key.accountWritePerMinute,
      mfaPolicy: key.accountMfaPolicy,
      mfaGraceUntil: key.accountMfaGraceUntil,
    };
    return { kind: 'api_key', apiKeyId: key.id, accountId: key.accountId, scopes: key.scopes, account };
  }
}
