import type { ThrottlerOptions } from '@nestjs/throttler';
import type { AppConfig } from '../../platform/config/config.types';

/** Every budget is per minute. */
export const RATE_LIMIT_WINDOW_MS = 60_000;

/**
 * The four budgets. A request spends from exactly one: `read`/`write` per account for
 * customer principals (GET/HEAD vs everything else), `auth` per client IP on sign-in and
 * recovery endpoints, `anon` per client IP for other unauthenticated traffic.
 */
export type RateLimitPolicyName = 'read' | 'write' | 'anon' | 'auth';

export interface AppliedPolicy {
  name: RateLimitPolicyName;
  limit: number;
  /** Whose budget: `acct:<id>` or `ip:<address>`. */
  tracker: string;
}

/** The throttlers as @nestjs/throttler sees them; limits here are the configured defaults. */
export function throttlersFor(config: AppConfig): ThrottlerOptions[] {
  const { readPerMinute, writePerMinute, anonPerMinute, authPerMinute } = config.rateLimit;
  return [
    { name: 'read', limit: readPerMinute, ttl: RATE_LIMIT_WINDOW_MS },
    { name: 'write', limit: writePerMinute, ttl: RATE_LIMIT_WINDOW_MS },
    { name: 'anon', limit: anonPerMinute, ttl: RATE_LIMIT_WINDOW_MS },
    { name: 'auth', limit: authPerMinute, ttl: RATE_LIMIT_WINDOW_MS },
  ];
}

/** IETF draft-ietf-httpapi-ratelimit-headers: `"write";q=120;w=60`. */
export function policyHeader(policy: AppliedPolicy): string {
  return `"${policy.name}";q=${policy.limit};w=${RATE_LIMIT_WINDOW_MS / 1000}`;
}

/** `"write";r=37;t=12`: remaining quota and seconds until it resets. */
export function stateHeader(policy: AppliedPolicy, remaining: number, resetSeconds: number): string {
  return `"${policy.name}";r=${Math.max(0, remaining)};t=${Math.max(0, resetSeconds)}`;
}
