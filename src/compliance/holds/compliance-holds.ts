import { complianceHoldUntil } from '../regulator-windows';

/** The account settings a hold depends on (the operator's retention overrides carry them). */
export interface HoldSettings {
  legal_hold?: boolean;
  /** Days kept after the number's release instead of the regulator's window. */
  compliance_window_days?: number;
}

export interface BackingNumberRow {
  bundle_id: string;
  status: string;
  country: string;
  released_at: Date | null;
}

/**
 * The end of the hold a number puts on the bundle behind it: none while active (null = held
 * indefinitely), else its release plus the regulator's window for its country — or the
 * account's `compliance_window_days` override.
 */
export function holdUntil(number: BackingNumberRow, overrides: HoldSettings): Date | null {
  if (number.status === 'active' || number.released_at === null) return null;
  return complianceHoldUntil(number.country, number.released_at, overrides.compliance_window_days);
}

/** Bundles some number still holds at `now` (active, or released inside its window). */
export function heldBundleIds(numbers: BackingNumberRow[], overrides: HoldSettings, now: Date): Set<string> {
  const held = new Set<string>();
  for (const n of numbers) {
    const until = holdUntil(n, overrides);
    if (until === null || until > now) held.add(n.bundle_id);
  }
  return held;
}
