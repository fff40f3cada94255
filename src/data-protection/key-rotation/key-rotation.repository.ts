import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../platform/database/prisma.service';
import { assertValidEncryptedFields, type EncryptedField } from '../../platform/crypto/encrypted-fields';

export interface StoredCiphertext {
  id: string;
  value: string | Buffer;
}

/**
 * The only place rotation touches SQL. Table and column names come from the static registry,
 * are checked to be plain identifiers and are quoted; every value is a bind parameter.
 */
@Injectable()
export class KeyRotationRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** One stored value of each text field that has any (one query): the start-up check's sample. */
  async sampleTextValues(fields: readonly EncryptedField[]): Promise<{ field: EncryptedField; id: string; value: string }[]> {
    const text = fields.filter((f) => f.kind === 'text');
    if (!text.length) return [];
    const parts = text.map((field, index) => {
      const q = names(field);
      return `(SELECT ${index} AS field, ${q.id}::text AS id, ${q.column} AS value FROM ${q.table} WHERE ${q.column} IS NOT NULL LIMIT 1)`;
    });
    const rows = await this.prisma.$queryRawUnsafe<{ field: number; id: string; value: string }[]>(parts.join(' UNION ALL '));
    return rows.map((row) => ({ field: text[Number(row.field)], id: row.id, value: row.value }));
  }

  /** Non-null values that do not start with `currentPrefix`, i.e. still under an older key. */
  async countStale(field: EncryptedField, currentPrefix: string | Buffer): Promise<number> {
    const q = names(field);
    const rows = await this.prisma.$queryRawUnsafe<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM ${q.table} WHERE ${q.column} IS NOT NULL AND ${stale(field, q.column)}`,
      currentPrefix,
    );
    return Number(rows[0].count);
  }

  /** Next keyset page of stale values after `afterId`, in id order. */
  async findStaleBatch(
    field: EncryptedField,
    currentPrefix: string | Buffer,
    afterId: string | null,
    limit: number,
  ): Promise<StoredCiphertext[]> {
    const q = names(field);
    const after = afterId === null ? '' : `AND ${q.id} > $3`;
    const params: unknown[] = afterId === null ? [currentPrefix, limit] : [currentPrefix, limit, afterId];
    const rows = await this.prisma.$queryRawUnsafe<{ id: string; value: string | Uint8Array }[]>(
      `SELECT ${q.id}::text AS id, ${q.column} AS value FROM ${q.table}
        WHERE ${q.column} IS NOT NULL AND ${stale(field, q.column)} ${after}
        ORDER BY ${q.id} LIMIT $2`,
      ...params,
    );
    return rows.map((row) => ({
      id: row.id,
      value: typeof row.value === 'string' ? row.value : Buffer.from(row.value),
    }));
  }

  /**
   * Writes the re-encrypted value only if the row still holds the value that was read, so a
   * concurrent write by the application is never overwritten. False when the row moved on.
   */
  async replaceIfUnchanged(
    field: EncryptedField,
    id: string,
    oldValue: string | Buffer,
    newValue: string | Buffer,
  ): Promise<boolean> {
    const q = names(field);
    const cast = field.kind === 'text' ? 'text' : 'bytea';
    const count = await this.prisma.$executeRawUnsafe(
      `UPDATE ${q.table} SET ${q.column} = $1::${cast} WHERE ${q.id} = $2 AND ${q.column} = $3::${cast}`,
      newValue,
      id,
      oldValue,
    );
    return count === 1;
  }
}

function quote(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}

function names(field: EncryptedField): { table: string; id: string; column: string } {
  // Fields may come from a caller (tests, the CLI), not only the registry: check every time.
  assertValidEncryptedFields([field]);
  return { table: quote(field.table), id: quote(field.idColumn), column: quote(field.column) };
}

function stale(field: EncryptedField, column: string): string {
  return field.kind === 'text'
    ? `left(${column}, length($1::text)) <> $1::text`
    : `substring(${column} from 1 for length($1::bytea)) <> $1::bytea`;
}
