import { type BackingNumberRow, heldBundleIds, holdUntil } from './compliance-holds';

const row = (bundle: string, status: string, country: string, releasedAt: string | null): BackingNumberRow => ({
  bundle_id: bundle,
  status,
  country,
  released_at: releasedAt === null ? null : new Date(releasedAt),
});

describe('compliance holds (may a bundle and its documents go?)', () => {
  it('an active number holds its bundle indefinitely (null), a released one until its regulator window ends', () => {
    expect(holdUntil(row('bun_a', 'active', 'DE', null), {})).toBeNull();
    expect(holdUntil(row('bun_a', 'released', 'DE', '2026-01-10T00:00:00Z'), {})?.toISOString()).toBe('2027-01-10T00:00:00.000Z');
    expect(holdUntil(row('bun_a', 'released', 'DE', '2026-01-10T00:00:00Z'), { compliance_window_days: 10 })?.toISOString()).toBe(
      '2026-01-20T00:00:00.000Z',
    );
  });

  it('lists the bundles some number still holds at a given time', () => {
    const numbers = [
      row('bun_active', 'active', 'DE', null),
      row('bun_recent', 'released', 'ES', '2025-06-01T00:00:00Z'), // 24 months: held until 2027-06-01
      row('bun_old', 'released', 'DE', '2024-01-01T00:00:00Z'), // 12 months: free since 2025-01-01
    ];
    const now = new Date('2026-12-01T00:00:00Z');
    expect([...heldBundleIds(numbers, {}, now)].sort()).toEqual(['bun_active', 'bun_recent']);
    // A bundle behind two numbers is held while either holds it.
    expect([...heldBundleIds([...numbers, row('bun_old', 'active', 'DE', null)], {}, now)].sort()).toEqual(['bun_active', 'bun_old', 'bun_recent']);
  });
});
