/**
 * How long tax law requires billing records to be kept, per jurisdiction (ISO 3166-1 alpha-2),
 * in years from the record's date. Anything not listed gets the default. Sources: the
 * bookkeeping retention rules of each country (e.g. DE §147 AO: 10 years; FR Code de commerce
 * L123-22: 10; GB HMRC: 6; US IRS: 7 as the common practice for employment/billing records).
 */
export const DEFAULT_BILLING_RETENTION_YEARS = 7;

export const BILLING_RETENTION_YEARS: Readonly<Record<string, number>> = {
  AT: 7,
  BE: 7,
  CA: 6,
  CH: 10,
  DE: 10,
  ES: 6,
  FR: 10,
  GB: 6,
  IE: 6,
  IT: 10,
  NL: 7,
  SE: 7,
  US: 7,
};

export function billingRetentionYears(jurisdiction: string): number {
  return BILLING_RETENTION_YEARS[jurisdiction.toUpperCase()] ?? DEFAULT_BILLING_RETENTION_YEARS;
}

/** The longest period of the listed jurisdictions (an account billed in several keeps its records for the longest). */
export function longestBillingRetentionYears(jurisdictions: readonly string[]): number {
  return jurisdictions.reduce((max, j) => Math.max(max, billingRetentionYears(j)), DEFAULT_BILLING_RETENTION_YEARS);
}

export function yearsBefore(now: Date, years: number): Date {
  const at = new Date(now);
  at.setUTCFullYear(at.getUTCFullYear() - years);
  return at;
}
