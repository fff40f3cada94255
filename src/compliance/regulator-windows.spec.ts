import { complianceHoldUntil, DEFAULT_REGULATOR_WINDOW_MONTHS, regulatorHoldUntil, regulatorWindowMonths } from './regulator-windows';

describe('regulator windows (how long KYC records stay after a number is released)', () => {
  it('reads the window by country, case-insensitively, with a default for unlisted countries', () => {
    expect(regulatorWindowMonths('DE')).toBe(12);
    expect(regulatorWindowMonths('es')).toBe(24);
    expect(regulatorWindowMonths('ZZ')).toBe(DEFAULT_REGULATOR_WINDOW_MONTHS);
  });

  it('counts calendar months in UTC and clamps to the end of a shorter month', () => {
    expect(regulatorHoldUntil('DE', new Date('2026-03-15T10:00:00Z')).toISOString()).toBe('2027-03-15T10:00:00.000Z');
    expect(regulatorHoldUntil('IT', new Date('2026-03-15T10:00:00Z')).toISOString()).toBe('2028-03-15T10:00:00.000Z');
    // 29 February + 12 months: the last day of February, never 1 March.
    expect(regulatorHoldUntil('DE', new Date('2028-02-29T08:00:00Z')).toISOString()).toBe('2029-02-28T08:00:00.000Z');
    // 31 August + 24 months stays in August.
    expect(regulatorHoldUntil('ES', new Date('2026-08-31T00:00:00Z')).toISOString()).toBe('2028-08-31T00:00:00.000Z');
  });

  it("uses the operator's compliance_window_days instead when the account has one", () => {
    const released = new Date('2026-01-01T00:00:00Z');
    expect(complianceHoldUntil('DE', released, 30).toISOString()).toBe('2026-01-31T00:00:00.000Z');
    expect(complianceHoldUntil('DE', released, 0).toISOString()).toBe(released.toISOString());
    expect(complianceHoldUntil('DE', released).toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });
});
