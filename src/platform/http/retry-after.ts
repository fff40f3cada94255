/** Whole seconds until `until`, at least 1: the value of a Retry-After header. */
export function retryAfterSeconds(until: Date, now = Date.now()): number {
  return Math.max(1, Math.ceil((until.getTime() - now) / 1000));
}
