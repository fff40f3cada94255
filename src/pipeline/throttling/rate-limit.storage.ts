import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import type { ThrottlerStorage } from '@nestjs/throttler';
import Redis from 'ioredis';
import type { Logger } from 'pino';
import { APP_LOGGER } from '../../platform/logging/logger';
import { APP_CONFIG } from '../../platform/config/config.module';
import type { AppConfig } from '../../platform/config/config.types';
import { safeError } from '../../platform/logging/safe-error';
import { Readiness } from '../../platform/health/readiness';
import { MemoryCounters } from './memory-counters';

/** How long a Redis call may take before the request goes on with the in-memory counters. */
const REDIS_COMMAND_TIMEOUT_MS = 500;
const FAILURE_LOG_INTERVAL_MS = 30_000;

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

export interface CounterState {
  used: number;
  resetSeconds: number;
}

/**
 * Rate-limit counters: in Redis when REDIS_URL is set, so every instance spends one budget;
 * in this process otherwise.
 *
 * Redis unreachable → fail OPEN onto per-instance in-memory counters, with an error log (at
 * most every 30 s). Refusing every request because a counter store is down would turn a cache
 * outage into an API outage; the limits still hold per instance meanwhile (so the effective
 * budget is at most N × limit for N instances), and Redis is used again as soon as it answers.
 * No offline queue: a request never waits for a reconnect, only up to 500 ms for a slow Redis.
 *
 * Both backends are a fixed window of `ttl` with `limit` hits: the in-process counters
 * (memory-counters.ts) by construction, the Redis store when its block is 1 ms (so Retry-After
 * is the window's end, not a separate penalty).
 */
@Injectable()
export class RateLimitStorage implements ThrottlerStorage, OnModuleInit, OnApplicationShutdown {
  private readonly memory = new MemoryCounters();
  private readonly client: Redis | null;
  private readonly redis: ThrottlerStorageRedisService | null;
  private lastFailureLoggedAt = 0;
  /** Which counters the last request used; each switch is logged once. */
  private onRedis = true;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(APP_LOGGER) private readonly logger: Logger,
    readiness: Readiness,
  ) {
    // Degraded, not down: without Redis each instance counts on its own (see above).
    readiness.register('redis', () => (!this.client ? 'not_configured' : this.client.status === 'ready' && this.onRedis ? 'ok' : 'degraded'));
    if (config.redisUrl) {
      this.client = new Redis(config.redisUrl, {
        lazyConnect: true,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
        connectTimeout: 2000,
        retryStrategy: (attempt) => Math.min(attempt * 200, 5000),
      });
      // Without a listener an unreachable Redis would crash the process through an unhandled 'error'.
      this.client.on('error', (err: Error) => this.logFailure(err, 'redis connection error'));
      this.redis = new ThrottlerStorageRedisService(this.client);
    } else {
      this.client = null;
      this.redis = null;
    }
  }

  async onModuleInit(): Promise<void> {
    if (!this.client) return;
    try {
      await this.client.connect();
    } catch (err) {
      // Boot anyway (fail open); ioredis keeps reconnecting in the background.
      this.logFailure(err, 'redis unreachable at start-up; rate limits fall back to in-memory counters');
    }
  }

  /** The in-memory counters' answer when no Redis is configured (no promise to wait for), else null. */
  incrementLocal(key: string, ttl: number, limit: number): ThrottlerStorageRecord | null {
    return this.redis ? null : this.memory.increment(key, ttl, limit);
  }

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    if (this.redis) {
      try {
        const record = await this.redis.increment(key, ttl, limit, Math.max(1, blockDuration), throttlerName);
        this.redisAnswered();
        return record.isBlocked ? { ...record, timeToBlockExpire: Math.max(1, record.timeToExpire) } : record;
      } catch (err) {
        this.redisFailed(err);
      }
    }
    // Every counter key already names its policy (see RateLimitGuard.counterKey).
    return this.memory.increment(key, ttl, limit);
  }

  /** The counter without spending from it (for requests that cost nothing, e.g. idempotent replays). */
  async peek(key: string, throttlerName: string, ttl: number): Promise<CounterState> {
    if (this.client) {
      try {
        const hitKey = `{${key}:${throttlerName}}:hits`;
        const [hits, pttl] = await Promise.all([this.client.get(hitKey), this.client.pttl(hitKey)]);
        this.redisAnswered();
        return { used: Number(hits ?? 0), resetSeconds: pttl > 0 ? Math.ceil(pttl / 1000) : Math.ceil(ttl / 1000) };
      } catch (err) {
        this.redisFailed(err);
      }
    }
    return this.memory.peek(key, ttl);
  }

  onApplicationShutdown(): void {
    this.memory.close();
    this.client?.disconnect(false);
  }

  private redisFailed(err: unknown): void {
    if (!this.onRedis) return;
    this.onRedis = false;
    this.logger.error({ err: safeError(err) }, 'rate limits: Redis unreachable; switched to in-memory counters (fail open)');
  }

  private redisAnswered(): void {
    if (this.onRedis) return;
    this.onRedis = true;
    this.logger.info('rate limits: Redis is back; switched to shared counters');
  }

  private logFailure(err: unknown, message: string): void {
    const now = Date.now();
    if (now - this.lastFailureLoggedAt < FAILURE_LOG_INTERVAL_MS) return;
    this.lastFailureLoggedAt = now;
    this.logger.error({ err: safeError(err) }, message);
  }
}
