/**
 * Delay before each retry, in seconds: the first within a minute, then spreading out to about
 * three days in all (≈ 2.6 days plus jitter), after which the delivery is given up.
 */
export const RETRY_DELAYS_SECONDS = [30, 300, 1_800, 7_200, 18_000, 36_000, 36_000, 43_200, 86_400] as const;

/** A receiver's Retry-After is honoured up to this (a day), so one answer cannot park a delivery for ever. */
export const MAX_RETRY_AFTER_SECONDS = 86_400;

/**
 * When to try again after failed attempt number `attempt` (1-based), or null when the schedule
 * is exhausted. ±20 % jitter spreads a recovering receiver's backlog; a Retry-After (seconds)
 * longer than the schedule's delay wins.
 */
export function nextRetryDelaySeconds(attempt: number, retryAfterSeconds: number | null, random: () => number = Math.random): number | null {
  if (attempt > RETRY_DELAYS_SECONDS.length) return null;
  const base = RETRY_DELAYS_SECONDS[attempt - 1];
  const jittered = base * (0.8 + 0.4 * random());
  const wanted = retryAfterSeconds === null ? 0 : Math.min(retryAfterSeconds, MAX_RETRY_AFTER_SECONDS);
  return Math.max(Math.round(jittered), wanted);
}

/** Retry-After as delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: Date): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d{1,10}$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}
