/** One counter's state as the throttler sees it (the shape of @nestjs/throttler's storage record). */
export interface CounterRecord {
  totalHits: number;
  /** Seconds until the window resets. */
  timeToExpire: number;
  isBlocked: boolean;
  /** Seconds until a refused caller may try again (the window's end); 0 when not blocked. */
  timeToBlockExpire: number;
}

interface Window {
  hits: number;
  resetAt: number;
}

/**
 * In-process fixed-window counters: the same semantics as the Redis store (a window of `ttl`
 * that starts with its first hit and allows `limit` hits; a refused request is told the
 * window's end) at O(1) per request. @nestjs/throttler's memory store keeps a timestamp per
 * hit and filters the whole list on every request, which at a few hundred requests a second
 * on one account was one of the largest costs of a request and most of its garbage.
 * Windows that have ended are swept once a window length.
 */
export class MemoryCounters {
  private readonly windows = new Map<string, Window>();
  private sweeper: NodeJS.Timeout | null = null;

  /** `key` names the counter (policy and tracker) on its own. */
  increment(key: string, ttl: number, limit: number, now = Date.now()): CounterRecord {
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      window = { hits: 0, resetAt: now + ttl };
      this.windows.set(key, window);
      this.sweeper ??= setInterval(() => this.sweep(), ttl).unref();
    }
    const timeToExpire = Math.max(1, Math.ceil((window.resetAt - now) / 1000));
    if (window.hits >= limit) return { totalHits: window.hits + 1, timeToExpire, isBlocked: true, timeToBlockExpire: timeToExpire };
    window.hits++;
    return { totalHits: window.hits, timeToExpire, isBlocked: false, timeToBlockExpire: 0 };
  }

  /** Hits so far and seconds until the reset, without spending. */
  peek(key: string, ttl: number, now = Date.now()): { used: number; resetSeconds: number } {
    const window = this.windows.get(key);
    if (!window || window.resetAt <= now) return { used: 0, resetSeconds: Math.ceil(ttl / 1000) };
    return { used: window.hits, resetSeconds: Math.ceil((window.resetAt - now) / 1000) };
  }

  close(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
    this.windows.clear();
  }

  private sweep(now = Date.now()): void {
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
  }
}
