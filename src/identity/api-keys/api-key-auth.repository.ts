import { Injectable } from '@nestjs/common';
import type { PreparedStatement } from '../../platform/database/database';
import { PrismaService } from '../../platform/database/prisma.service';

export interface ApiKeyAuthRow {
  id: string;
  accountId: string;
  scopes: string[];
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  accountStatus: string;
  accountName: string;
  accountApiKeysEnabled: boolean;
  accountCreatedAt: Date;
  accountUpdatedAt: Date;
  accountReadPerMinute: number | null;
  accountWritePerMinute: number | null;
  accountMfaPolicy: string;
  accountMfaGraceUntil: Date | null;
}

/**
 * Every authenticated bearer request runs this: a prepared statement on the lean path rather
 * than Prisma's engine (a fifth of the CPU per lookup). Same columns as the model, by name.
 */
const FIND_BY_HASH: PreparedStatement = {
  name: 'api_key_auth',
  text: `SELECT k.id, k.account_id AS "accountId", k.scopes, k.expires_at AS "expiresAt", k.revoked_at AS "revokedAt",
           k.last_used_at AS "lastUsedAt", a.status AS "accountStatus", a.name AS "accountName",
           a.api_keys_enabled AS "accountApiKeysEnabled", a.created_at AS "accountCreatedAt", a.updated_at AS "accountUpdatedAt",
           a.rate_limit_read_per_minute AS "accountReadPerMinute", a.rate_limit_write_per_minute AS "accountWritePerMinute",
           a.mfa_policy AS "accountMfaPolicy", a.mfa_grace_until AS "accountMfaGraceUntil"
         FROM api_keys k JOIN accounts a ON a.id = k.account_id
         WHERE k.key_hash = $1`,
};

@Injectable()
export class ApiKeyAuthRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The key and its account in one indexed lookup (unique key_hash, then the account's primary key). */
  async findByHash(keyHash: string): Promise<ApiKeyAuthRow | null> {
    const [row] = await this.prisma.database.prepared<ApiKeyAuthRow>(FIND_BY_HASH, [keyHash]);
    return row ?? null;
  }

  /** Conditional: many concurrent requests on one key write at most once per interval. */
  async markUsed(id: string, now: Date, ip: string | null, notUsedSince: Date): Promise<void> {
    await this.prisma.apiKey.updateMany({
      where: { id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: notUsedSince } }] },
      data: { lastUsedAt: now, lastUsedIp: ip },
    });
  }
}
