import { Injectable } from '@nestjs/common';
import { CdrErrors } from './cdr-errors';
import { type CdrFieldError, type NewCdr, validateCdrRecord } from './cdr-record';
import { CdrsRepository } from './cdrs.repository';

export const MAX_CDR_BATCH = 10_000;
/** Accounts whose call records are no longer taken: anonymisation masked (or is masking) their numbers. */
const ERASED_STATUSES = new Set(['anonymizing', 'anonymized']);

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

  /** Every problem of the batch, including accounts that do not exist or are anonymised; writes nothing. */
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
    const statuses = await this.cdrs.accountStatuses([...new Set(valid.map((r) => r.accountId))]);
    valid.forEach((record, i) => {
      const status = statuses.get(record.accountId);
      if (status === undefined) errors.push({ index: validIndexes[i], field: 'account_id', message: 'is not a known account' });
      // A closed account still takes its late records (billing); an anonymised one's numbers are gone for good.
      else if (ERASED_STATUSES.has(status)) errors.push({ index: validIndexes[i], field: 'account_id', message: 'belongs to an anonymised account' });
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
