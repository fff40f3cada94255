import { billingRetentionYears, DEFAULT_BILLING_RETENTION_YEARS, longestBillingRetentionYears, yearsBefore } from './jurisdictions';

describe('billing jurisdictions (how long invoices and CDRs of anonymised accounts are kept)', () => {
  it('reads the period by jurisdiction, case-insensitively, with a default for unlisted ones', () => {
    expect(billingRetentionYears('DE')).toBe(10);
    expect(billingRetentionYears('gb')).toBe(6);
    expect(billingRetentionYears('XX')).toBe(DEFAULT_BILLING_RETENTION_YEARS);
  });

  it('keeps an account billed in several jurisdictions for the longest, and never less than the default', () => {
    expect(longestBillingRetentionYears(['GB', 'DE'])).toBe(10);
    expect(longestBillingRetentionYears([])).toBe(DEFAULT_BILLING_RETENTION_YEARS);
    // The default is a floor: an account billed only in GB (6 years) keeps 7, the safe side.
    expect(longestBillingRetentionYears(['GB'])).toBe(DEFAULT_BILLING_RETENTION_YEARS);
  });

  it('subtracts whole years in UTC (a 29 February cut-off moves to 1 March, keeping a day more)', () => {
    expect(yearsBefore(new Date('2026-12-01T12:00:00Z'), 7).toISOString()).toBe('2019-12-01T12:00:00.000Z');
    expect(yearsBefore(new Date('2028-02-29T00:00:00Z'), 1).toISOString()).toBe('2027-03-01T00:00:00.000Z');
  });
});
