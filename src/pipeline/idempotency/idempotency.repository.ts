import { Injectable } from '@nestjs/common';
import type { Prisma } from '../../generated/prisma/client';
import { PrismaService } from '../../platform/database/prisma.service';

const RECORD_SELECT = {
  id: true,
  method: true,
  path: true,
  requestHash: true,
  state: true,
  responseStatus: true,
  responseEnc: true,
  responseBody: true,
  responseHeaders: true,
  lockedUntil: true,
  expiresAt: true,
} as const;

export interface IdempotencyRow {
  id: string;
  method: string;
  path: string;
  requestHash: string;
  state: 'in_progress' | 'completed';
  responseStatus: number | null;
  /** The stored response (headers and body), sealed by IdempotencyService. */
  responseEnc: Buffer | null;
  /** Legacy plaintext columns, written only by older instances (see schema.prisma). */
  legacyBody: Buffer | null;
  legacyHeaders: Record<string, string> | null;
  lockedUntil: Date;
  expiresAt: Date;
}

export interface NewIdempotencyRecord {
  id: string;
  accountId: string;
  principalId: string;
  key: string;
  leaseToken: string;
  method: string;
  path: string;
  requestHash: string;
  lockedUntil: Date;
  expiresAt: Date;
}

export interface StoredResponse {
  status: number;
  /** Headers and body in one EncryptionService envelope bound to the record. */
  sealed: Buffer;
}

type SelectedRow = Prisma.IdempotencyRecordGetPayload<{ select: typeof RECORD_SELECT }>;

function toRow({ responseEnc, responseBody, responseHeaders, ...row }: SelectedRow): IdempotencyRow {
  return {
    ...row,
    state: row.state === 'completed' ? 'completed' : 'in_progress',
    responseEnc: responseEnc ? Buffer.from(responseEnc) : null,
    legacyBody: responseBody ? Buffer.from(responseBody) : null,
    legacyHeaders: (responseHeaders as Record<string, string> | null) ?? null,
  };
}

@Injectable()
export class IdempotencyRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** INSERT … ON CONFLICT DO NOTHING on (account_id, principal_id, key): true when this caller now owns the key. */
  async tryInsert(record: NewIdempotencyRecord): Promise<boolean> {
    const { count } = await this.prisma.idempotencyRecord.createMany({
      data: [{ ...record, state: 'in_progress' }],
      skipDuplicates: true,
    });
    return count === 1;
  }

  async find(accountId: string, principalId: string, key: string): Promise<IdempotencyRow | null> {
    const row = await this.prisma.idempotencyRecord.findUnique({
      where: { accountId_principalId_key: { accountId, principalId, key } },
      select: RECORD_SELECT,
    });
    return row ? toRow(row) : null;
  }

  /**
   * Claims an abandoned in-progress record (its holder stopped renewing the lease: it died);
   * conditional, so one claimer wins, and a new lease token fences the old holder out.
   */
  async takeOver(id: string, now: Date, lockedUntil: Date, leaseToken: string): Promise<boolean> {
    const { count } = await this.prisma.idempotencyRecord.updateMany({
      where: { id, state: 'in_progress', lockedUntil: { lt: now } },
      data: { lockedUntil, leaseToken },
    });
    return count === 1;
  }

  /** Extends the lease of a running request; false when it was lost (taken over, finished or gone). */
  async renew(id: string, leaseToken: string, lockedUntil: Date): Promise<boolean> {
    const { count } = await this.prisma.idempotencyRecord.updateMany({
      where: { id, leaseToken, state: 'in_progress' },
      data: { lockedUntil },
    });
    return count === 1;
  }

  async complete(id: string, leaseToken: string, response: StoredResponse): Promise<void> {
    await this.prisma.idempotencyRecord.updateMany({
      where: { id, leaseToken, state: 'in_progress' },
      data: {
        state: 'completed',
        responseStatus: response.status,
        responseEnc: new Uint8Array(response.sealed),
      },
    });
  }

  /** Only while `leaseToken` still holds it: a fenced-out holder never deletes its successor's record. */
  async delete(id: string, leaseToken: string): Promise<void> {
    await this.prisma.idempotencyRecord.deleteMany({ where: { id, leaseToken, state: 'in_progress' } });
  }

  async deleteIfExpired(id: string, now: Date): Promise<void> {
    await this.prisma.idempotencyRecord.deleteMany({ where: { id, expiresAt: { lt: now } } });
  }

  /** Deletes up to `batchSize` expired records, oldest first (backed by the expires_at index). */
  async deleteExpired(now: Date, batchSize: number): Promise<number> {
    const ids = await this.prisma.idempotencyRecord.findMany({
      where: { expiresAt: { lt: now } },
      select: { id: true },
      orderBy: { expiresAt: 'asc' },
      take: batchSize,
    });
    if (ids.length === 0) return 0;
    const { count } = await this.prisma.idempotencyRecord.deleteMany({
      where: { id: { in: ids.map((r) => r.id) }, expiresAt: { lt: now } },
    });
    return count;
  }
}
