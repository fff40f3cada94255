import { Injectable } from '@nestjs/common';
import { CdrErrors } from './cdr-errors';
import { type CdrFieldError, type NewCdr, validateCdrRecord } from './cdr-record';
import { CdrsRepository } from './cdrs.repository';

export const MAX_CDR_BATCH = 10_000;

export interface CdrIngestResult {
  received: number;
  inserted: number;
  duplicates: number;
}

export interface CdrValidation {
  valid: NewCdr[];
  errors: CdrFieldError[];
}

/** Records from the switching platform: validated as a whole, stored all-or-nothing, deduplicated. */
@Injectable()
export class CdrIngestService {
  constructor(private readonly cdrs: CdrsRepository) {}

  /** Every problem of the batch, including accounts that do not exist; writes nothing. */
  async validate(records: readonly unknown[]): Promise<CdrValidation> {
    const errors: CdrFieldError[] = [];
    const valid: NewCdr[] = [];
    const validIndexes: number[] = [];
    records.forEach((raw, index) => {
      const record = validateCdrRecord(raw, index, errors);
      if (record) {
        valid.push(record);
        validIndexes.push(index);
      }
    });
    const known = await this.cdrs.existingAccountIds([...new Set(valid.map((r) => r.accountId))]);
    valid.forEach((record, i) => {
      if (!known.has(record.accountId)) errors.push({ index: validIndexes[i], field: 'account_id', message: 'is not a known account' });
    });
    errors.sort((a, b) => a.index - b.index);
    return { valid: errors.length ? [] : valid, errors };
  }

  /** Stores already validated records in one transaction; returns how many were new. */
  store(records: NewCdr[]): Promise<number> {
    return this.cdrs.insertMany(records);
  }

  async ingest(records: readonly unknown[]): Promise<CdrIngestResult> {
    const { valid, errors } = await this.validate(records);
    if (errors.length) throw CdrErrors.batchInvalid(errors);
    const inserted = await this.store(valid);
    return { received: records.length, inserted, duplicates: records.length - inserted };
  }
}
