import { Injectable } from '@nestjs/common';
import { DecryptionError } from '../../platform/crypto/decryption-error';
import {
  ALL_ENCRYPTED_FIELDS,
  assertValidEncryptedFields,
  encryptedFieldLabel,
  encryptionContext,
  type EncryptedField,
} from '../../platform/crypto/encrypted-fields';
import { EncryptionService } from '../../platform/crypto/encryption.service';
import { KeyRotationRepository, type StoredCiphertext } from './key-rotation.repository';

export interface FieldRotationResult {
  /** `table.column` */
  field: string;
  /** Values found under an older key when the field's pass started. */
  total: number;
  scanned: number;
  rotated: number;
  /** Rows the application rewrote between our read and our update; left as they are. */
  changedConcurrently: number;
  /** Values that could not be decrypted (unknown key, tampered); left as they are. */
  failed: number;
  /** The first few failing row ids, for the operator to look at. */
  failedRowIds: string[];
}

export type RotationProgress = Readonly<FieldRotationResult>;

export interface RotateOptions {
  batchSize?: number;
  onProgress?: (progress: RotationProgress) => void;
  /** Defaults to every registered field. */
  fields?: readonly EncryptedField[];
}

const DEFAULT_BATCH_SIZE = 500;
const MAX_REPORTED_FAILURES = 20;

/**
 * Re-encrypts every stored value that is not under the current (first) key. Works field by
 * field in keyset batches with conditional updates, so it can be interrupted and rerun at any
 * time, and a value that cannot be decrypted is reported rather than stopping the run.
 */
@Injectable()
export class KeyRotationService {
  constructor(
    private readonly encryption: EncryptionService,
    private readonly repository: KeyRotationRepository,
  ) {}

  async rotate(options: RotateOptions = {}): Promise<FieldRotationResult[]> {
    const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
      throw new RangeError('batchSize must be a whole number between 1 and 10000');
    }
    const fields = options.fields ?? ALL_ENCRYPTED_FIELDS;
    assertValidEncryptedFields(fields);

    const results: FieldRotationResult[] = [];
    for (const field of fields) {
      results.push(await this.rotateField(field, batchSize, options.onProgress));
    }
    return results;
  }

  private async rotateField(
    field: EncryptedField,
    batchSize: number,
    onProgress?: (progress: RotationProgress) => void,
  ): Promise<FieldRotationResult> {
    const prefix = field.kind === 'text' ? this.encryption.currentPrefix('text') : this.encryption.currentPrefix('bytea');
    const result: FieldRotationResult = {
      field: encryptedFieldLabel(field),
      total: await this.repository.countStale(field, prefix),
      scanned: 0,
      rotated: 0,
      changedConcurrently: 0,
      failed: 0,
      failedRowIds: [],
    };

    let afterId: string | null = null;
    for (;;) {
      const batch = await this.repository.findStaleBatch(field, prefix, afterId, batchSize);
      for (const row of batch) await this.rotateRow(field, row, result);
      if (batch.length > 0) {
        afterId = batch[batch.length - 1].id;
        onProgress?.({ ...result, failedRowIds: [...result.failedRowIds] });
      }
      if (batch.length < batchSize) break;
    }
    return result;
  }

  private async rotateRow(field: EncryptedField, row: StoredCiphertext, result: FieldRotationResult): Promise<void> {
    result.scanned++;
    const ctx = encryptionContext(field, row.id);
    let fresh: string | Buffer;
    try {
      fresh =
        typeof row.value === 'string'
          ? this.encryption.encryptString(this.encryption.decryptString(row.value, ctx), ctx)
          : this.encryption.encryptBytes(this.encryption.decryptBytes(row.value, ctx), ctx);
    } catch (error) {
      if (!(error instanceof DecryptionError)) throw error;
      result.failed++;
      if (result.failedRowIds.length < MAX_REPORTED_FAILURES) result.failedRowIds.push(row.id);
      return;
    }
    if (await this.repository.replaceIfUnchanged(field, row.id, row.value, fresh)) result.rotated++;
    else result.changedConcurrently++;
  }
}
