/**
 * How long a regulator requires the KYC records behind a number to be kept after the number is
 * released, per country (ISO 3166-1 alpha-2), in months. The retention job and the erasure
 * endpoint both read this table: compliance documents stay while their bundle backs an active
 * number, then for this window after release, then go.
 */
export const REGULATOR_WINDOW_VERSION = '2026-11-01';

export const DEFAULT_REGULATOR_WINDOW_MONTHS = 12;

export const REGULATOR_WINDOW_MONTHS: Readonly<Record<string, number>> = {
  DE: 12,
  GB: 12,
  FR: 12,
  AT: 12,
  NL: 12,
  ES: 24,
  IT: 24,
  BE: 24,
};

export function regulatorWindowMonths(country: string): number {
  return REGULATOR_WINDOW_MONTHS[country.toUpperCase()] ?? DEFAULT_REGULATOR_WINDOW_MONTHS;
}

/** The end of the hold on a number released at `releasedAt` (calendar months, UTC). */
export function regulatorHoldUntil(country: string, releasedAt: Date): Date {
  const until = new Date(releasedAt.getTime());
  const day = until.getUTCDate();
  until.setUTCMonth(until.getUTCMonth() + regulatorWindowMonths(country), 1);
  // Clamp 31 Jan + 1 month to the last day of February rather than rolling into March.
  const lastDay = new Date(Date.UTC(until.getUTCFullYear(), until.getUTCMonth() + 1, 0)).getUTCDate();
  until.setUTCDate(Math.min(day, lastDay));
  return until;
}

/**
 * The end of the hold on a released number: the regulator's window, or `windowDays` when the
 * operator set the account's `compliance_window_days`. The retention job and the erasure
 * endpoint share it, so the date DELETE reports is the date the job acts on.
 */
export function complianceHoldUntil(country: string, releasedAt: Date, windowDays?: number): Date {
  if (windowDays !== undefined) return new Date(releasedAt.getTime() + windowDays * 86_400_000);
  return regulatorHoldUntil(country, releasedAt);
}
