import { Module } from '@nestjs/common';
import { getOptionsToken, getStorageToken, type ThrottlerModuleOptions } from '@nestjs/throttler';
import { AuthFailureLimiter } from '../../platform/auth/auth-failure-limiter';
import { APP_CONFIG } from '../../platform/config/config.module';
import type { AppConfig } from '../../platform/config/config.types';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { AccountRateLimitsRepository } from './account-rate-limits.repository';
import { AccountRateLimits } from './account-rate-limits.service';
import { throttlersFor } from './rate-limit-policy';
import { RateLimitGuard } from './rate-limit.guard';
import { RateLimitStorage } from './rate-limit.storage';

/**
 * Per-account and per-IP rate limits. The @nestjs/throttler tokens are provided here rather
 * than through ThrottlerModule so the storage is one of our providers (Redis with in-memory
 * fallback, closed on shutdown). AppModule registers RateLimitGuard as APP_GUARD after AuthGuard.
 */
@Module({
  imports: [IdempotencyModule],
  providers: [
    RateLimitStorage,
    { provide: getStorageToken(), useExisting: RateLimitStorage },
    {
      provide: getOptionsToken(),
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): ThrottlerModuleOptions => ({ throttlers: throttlersFor(config) }),
    },
    AccountRateLimitsRepository,
    AccountRateLimits,
    RateLimitGuard,
    { provide: AuthFailureLimiter, useExisting: RateLimitGuard },
  ],
  exports: [RateLimitGuard, AuthFailureLimiter, AccountRateLimits, IdempotencyModule],
})
export class ThrottlingModule {}
