import { RETENTION_DEFAULTS } from './retention-policy';

/**
 * Per-account overrides set by the operator (`PATCH /v1/admin/accounts/{id}`
 * `retention_overrides`), stored as JSON on the account with the API's snake_case keys.
 * A number shortens or lengthens one period; `legal_hold` suspends every deletion and the
 * anonymisation of the account (and of its members' login history) until it is lifted.
 */
export interface RetentionOverrides {
  legal_hold?: boolean;
  /** Days after closure before anonymisation (default 30). */
  closure_grace_days?: number;
  /** Days of login history kept for the account's members (default 90; the longest of a user's accounts wins). */
  login_history_days?: number;
  /** Days invoices and CDRs are kept after their date once the account is anonymised (default: jurisdiction table). */
  billing_retention_days?: number;
  /** Days CDRs of the live account are kept (default: the account's lifetime). */
  cdr_retention_days?: number;
  /** Days compliance documents and bundles are kept after their number's release (default: regulator window by country). */
  compliance_window_days?: number;
}

export const OVERRIDE_DAY_KEYS = [
  'closure_grace_days',
  'login_history_days',
  'billing_retention_days',
  'cdr_retention_days',
  'compliance_window_days',
] as const;

export type OverrideDayKey = (typeof OVERRIDE_DAY_KEYS)[number];

/** Reads the stored JSON defensively: anything unexpected counts as "no override". */
export function readOverrides(raw: unknown): RetentionOverrides {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return {};
  const source = raw as Record<string, unknown>;
  const out: RetentionOverrides = {};
  if (source.legal_hold === true) out.legal_hold = true;
  for (const key of OVERRIDE_DAY_KEYS) {
    const value = source[key];
    if (typeof value === 'number' && Number.isInteger(value) && value >= 0) out[key] = value;
  }
  return out;
}

export function closureGraceDays(overrides: RetentionOverrides): number {
  return overrides.closure_grace_days ?? RETENTION_DEFAULTS.closureGraceDays;
}
