import { nextRetryDelaySeconds, parseRetryAfter, RETRY_DELAYS_SECONDS } from './retry-schedule';

describe('webhook retry schedule', () => {
  it('retries the first time within about a minute and gives up after about three days', () => {
    expect(nextRetryDelaySeconds(1, null, () => 1)).toBeLessThanOrEqual(60);
    const total = RETRY_DELAYS_SECONDS.reduce((sum, s) => sum + s, 0);
    expect(total / 86_400).toBeGreaterThan(2.4);
    expect(total / 86_400).toBeLessThan(3.5);
    expect(nextRetryDelaySeconds(RETRY_DELAYS_SECONDS.length + 1, null)).toBeNull();
  });

  it('jitters within ±20 %', () => {
    expect(nextRetryDelaySeconds(2, null, () => 0)).toBe(240);
    expect(nextRetryDelaySeconds(2, null, () => 1)).toBe(360);
  });

  it('waits at least as long as Retry-After asks, up to a day', () => {
    expect(nextRetryDelaySeconds(1, 120, () => 0.5)).toBe(120);
    expect(nextRetryDelaySeconds(1, 10 * 86_400, () => 0.5)).toBe(86_400);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = new Date('2026-12-01T10:00:00Z');
    expect(parseRetryAfter('90', now)).toBe(90);
    expect(parseRetryAfter('Tue, 01 Dec 2026 10:02:00 GMT', now)).toBe(120);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });
});
