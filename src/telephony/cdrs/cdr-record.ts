import { isIdOf } from '../../platform/ids/ids';
import { parseIsoTimestamp } from './iso-timestamp';

export const CDR_DIRECTIONS = ['inbound', 'outbound'] as const;
export const CDR_STATUSES = ['answered', 'busy', 'no_answer', 'failed'] as const;
export type CdrDirection = (typeof CDR_DIRECTIONS)[number];
export type CdrStatus = (typeof CDR_STATUSES)[number];

export const E164 = /^\+[1-9]\d{1,14}$/;
/** Fits DECIMAL(14,6) exactly; a string so no binary float ever touches money. */
export const COST = /^-?\d{1,8}(\.\d{1,6})?$/;
const CURRENCY = /^[A-Z]{3}$/;
const EXTERNAL_ID = /^[\x21-\x7e]{1,128}$/;
const MAX_SECONDS = 2_147_483_647;

/** The fields a switch sends for one call (the API's snake_case names). */
export const CDR_INPUT_FIELDS = [
  'account_id',
  'external_id',
  'direction',
  'from',
  'to',
  'started_at',
  'answered_at',
  'ended_at',
  'duration_seconds',
  'billable_seconds',
  'status',
  'cost',
  'currency',
  'number_id',
] as const;
export type CdrInputField = (typeof CDR_INPUT_FIELDS)[number];
const INPUT_FIELD_SET: ReadonlySet<string> = new Set(CDR_INPUT_FIELDS);

/** A validated record, ready to insert. */
export interface NewCdr {
  accountId: string;
  externalId: string;
  direction: CdrDirection;
  fromNumber: string;
  toNumber: string;
  startedAt: Date;
  answeredAt: Date | null;
  endedAt: Date;
  durationSeconds: number;
  billableSeconds: number;
  status: CdrStatus;
  cost: string;
  currency: string;
  numberId: string | null;
}

export interface CdrFieldError {
  /** Position of the record in the batch (0-based). */
  index: number;
  /** The offending field, or null when the record itself is wrong (not an object). */
  field: string | null;
  message: string;
}

function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/**
 * Checks one record without touching the database (the account's existence is checked for
 * the whole batch at once by the caller). Appends every problem to `errors`; returns the
 * record only when it had none.
 */
export function validateCdrRecord(raw: unknown, index: number, errors: CdrFieldError[]): NewCdr | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    errors.push({ index, field: null, message: 'must be an object' });
    return null;
  }
  const before = errors.length;
  const fail = (field: string, message: string) => errors.push({ index, field, message });
  const r = raw as Record<string, unknown>;

  for (const key of Object.keys(r)) {
    if (!INPUT_FIELD_SET.has(key)) fail(key, 'is not a known field');
  }

  const text = (field: CdrInputField, pattern: RegExp, message: string): string | null => {
    const value = r[field];
    if (!isPresent(value)) {
      fail(field, 'is required');
      return null;
    }
    if (typeof value !== 'string' || !pattern.test(value)) {
      fail(field, message);
      return null;
    }
    return value;
  };
  const oneOf = <T extends string>(field: CdrInputField, allowed: readonly T[]): T | null => {
    const value = r[field];
    if (!isPresent(value)) {
      fail(field, 'is required');
      return null;
    }
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
      fail(field, `must be one of ${allowed.join(', ')}`);
      return null;
    }
    return value as T;
  };
  const seconds = (field: CdrInputField): number | null => {
    const value = r[field];
    if (!isPresent(value)) {
      fail(field, 'is required');
      return null;
    }
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_SECONDS) {
      fail(field, 'must be a non-negative integer');
      return null;
    }
    return value;
  };
  const timestamp = (field: CdrInputField, required: boolean): Date | null => {
    const value = r[field];
    if (!isPresent(value)) {
      if (required) fail(field, 'is required');
      return null;
    }
    const date = parseIsoTimestamp(value);
    if (!date) fail(field, 'must be an ISO 8601 timestamp with a time zone, e.g. 2025-01-31T12:00:00Z');
    return date;
  };

  const accountId = text('account_id', /^acct_[0-9A-Za-z]{22}$/, 'must be an account id (acct_...)');
  const externalId = text('external_id', EXTERNAL_ID, 'must be 1-128 visible ASCII characters');
  const direction = oneOf('direction', CDR_DIRECTIONS);
  const fromNumber = text('from', E164, 'must be an E.164 number such as +14155550123');
  const toNumber = text('to', E164, 'must be an E.164 number such as +14155550123');
  const status = oneOf('status', CDR_STATUSES);
  const startedAt = timestamp('started_at', true);
  const answeredAt = timestamp('answered_at', false);
  const endedAt = timestamp('ended_at', true);
  const durationSeconds = seconds('duration_seconds');
  const billableSeconds = seconds('billable_seconds');
  const cost = text('cost', COST, 'must be a decimal string with at most 8 integer and 6 fraction digits, e.g. "0.012500"');
  const currency = text('currency', CURRENCY, 'must be an ISO 4217 code such as USD');

  let numberId: string | null = null;
  if (isPresent(r.number_id)) {
    if (isIdOf('number', r.number_id)) numberId = r.number_id;
    else fail('number_id', 'must be a number id (num_...) or null');
  }

  // Only a call that was picked up has an answer time; the two must agree.
  if (status === 'answered' && !isPresent(r.answered_at)) fail('answered_at', 'is required when status is answered');
  if (status !== null && status !== 'answered' && isPresent(r.answered_at)) {
    fail('answered_at', 'must be absent or null unless status is answered');
  }
  if (startedAt && endedAt && endedAt < startedAt) fail('ended_at', 'must not be before started_at');
  if (answeredAt && startedAt && answeredAt < startedAt) fail('answered_at', 'must not be before started_at');
  if (answeredAt && endedAt && answeredAt > endedAt) fail('answered_at', 'must not be after ended_at');
  if (durationSeconds !== null && billableSeconds !== null && billableSeconds > durationSeconds) {
    fail('billable_seconds', 'must not exceed duration_seconds');
  }

  if (errors.length !== before) return null;
  return {
    accountId: accountId!,
    externalId: externalId!,
    direction: direction!,
    fromNumber: fromNumber!,
    toNumber: toNumber!,
    startedAt: startedAt!,
    answeredAt,
    endedAt: endedAt!,
    durationSeconds: durationSeconds!,
    billableSeconds: billableSeconds!,
    status: status!,
    cost: cost!,
    currency: currency!,
    numberId,
  };
}
