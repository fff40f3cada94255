import { Injectable } from '@nestjs/common';
import { type AccountRateLimitOverrides, AccountRateLimitsRepository } from './account-rate-limits.repository';

/**
 * How long an operator's per-account override is cached per instance. Rate limiting must not
 * cost a database read per request; the price is that a changed override reaches other
 * instances within this many milliseconds (the instance that handled the PATCH can call
 * `invalidate` for an immediate effect).
 */
export const OVERRIDE_CACHE_TTL_MS = 10_000;
const MAX_CACHED_ACCOUNTS = 10_000;

interface CacheEntry {
  loadedAt: number;
  value: Promise<AccountRateLimitOverrides>;
}

@Injectable()
export class AccountRateLimits {
  // Caching the promise, not the value: concurrent first requests of an account share one read.
  private readonly cache = new Map<string, CacheEntry>();

  constructor(private readonly repository: AccountRateLimitsRepository) {}

  overridesFor(accountId: string, now = Date.now()): Promise<AccountRateLimitOverrides> {
    const cached = this.cache.get(accountId);
    if (cached && now - cached.loadedAt < OVERRIDE_CACHE_TTL_MS) return cached.value;
    const value = this.repository.find(accountId);
    value.catch(() => this.cache.delete(accountId));
    this.cache.delete(accountId);
    if (this.cache.size >= MAX_CACHED_ACCOUNTS) {
      // Map iteration order is insertion order: drop the oldest entry.
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(accountId, { loadedAt: now, value });
    return value;
  }

  /** Forget an account's cached overrides (after the operator changed them). */
  invalidate(accountId: string): void {
    this.cache.delete(accountId);
  }
}
