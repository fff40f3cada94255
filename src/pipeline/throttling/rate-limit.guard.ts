import { type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  ThrottlerGuard,
  type ThrottlerModuleOptions,
} from '@nestjs/throttler';
import type { Response } from 'express';
import type { AuthFailureLimiter } from '../../platform/auth/auth-failure-limiter';
import { clientIp } from '../../platform/http/client-ip';
import type { CustomerPrincipal } from '../../platform/request/principal';
import type { AppRequest } from '../../platform/request/request-context';
import { APP_CONFIG } from '../../platform/config/config.module';
import type { AppConfig } from '../../platform/config/config.types';
import { KeyedHash } from '../../platform/crypto/keyed-hash';
import { streamsOwnBody } from '../idempotency/idempotency-gate';
import { Metrics } from '../../platform/metrics/metrics';
import { idempotencyScopeOf, stashReplay } from '../idempotency/idempotency-scope';
import { IdempotencyService } from '../idempotency/idempotency.service';
import { AccountRateLimits } from './account-rate-limits.service';
import { type AppliedPolicy, policyHeader, RATE_LIMIT_WINDOW_MS, stateHeader } from './rate-limit-policy';
import { AUTH_RATE_LIMIT, NO_RATE_LIMIT } from '../../platform/auth/rate-limit.decorators';
import { RateLimitStorage } from './rate-limit.storage';
import { ThrottlingErrors } from './throttling-errors';

const READ_METHODS = new Set(['GET', 'HEAD']);

/**
 * Global guard registered after AuthGuard, so it sees the principal: one budget per request
 * (see rate-limit-policy.ts), IETF RateLimit/RateLimit-Policy headers on every response it
 * lets through or refuses. Operator (admin-token) traffic and @NoRateLimit routes are exempt.
 *
 * A replay of a finished idempotent request costs nothing: before counting, a mutation that
 * carries an Idempotency-Key looks its record up (one indexed read, only for requests with the
 * header); a finished match is handed to the interceptor so it does not read it again.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard implements AuthFailureLimiter {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    private readonly counters: RateLimitStorage,
    reflector: Reflector,
    private readonly accountLimits: AccountRateLimits,
    private readonly idempotency: IdempotencyService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly keyedHash: KeyedHash,
    private readonly metrics: Metrics,
  ) {
    super(options, counters, reflector);
  }

  private readonly routes = new WeakMap<Function, { exempt: boolean; auth: boolean }>();

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const route = this.routeOf(context);
    if (route.exempt) return true;
    const http = context.switchToHttp();
    const req = http.getRequest<AppRequest>();
    const res = http.getResponse<Response>();
    const policy = route.auth ? this.authPolicy(req) : await this.policyFor(req);
    if (!policy) return true;

    res.setHeader('RateLimit-Policy', policyHeader(policy));
    const key = this.counterKey(policy);
    // Only a mutation with an Idempotency-Key can be a free replay: reads go straight to spending.
    if (!READ_METHODS.has(req.method) && (await this.isFreeReplay(req, context.getHandler()))) {
      const state = await this.counters.peek(key, policy.name, RATE_LIMIT_WINDOW_MS);
      res.setHeader('RateLimit', stateHeader(policy, policy.limit - state.used, state.resetSeconds));
      return true;
    }
    const spending = this.spend(policy, key, RATE_LIMIT_WINDOW_MS, 0, res);
    if (spending) await spending;
    return true;
  }

  /**
   * A refused request spends budget: its principal's when it was identified (a 403 for the
   * origin, scheme or scope), else its IP's as anonymous traffic (a 401).
   */
  async spendOnFailure(req: AppRequest, res: Response): Promise<void> {
    const principal = req.didhub?.principal;
    const policy = principal && principal.kind !== 'admin' ? await this.accountPolicy(req, principal) : this.anonymousPolicy(req);
    res.setHeader('RateLimit-Policy', policyHeader(policy));
    await this.spend(policy, this.counterKey(policy), RATE_LIMIT_WINDOW_MS, 0, res);
  }

  private spend(policy: AppliedPolicy, key: string, ttl: number, blockDuration: number, res: Response): void | Promise<void> {
    // Without Redis the counters are in memory: no promise on the hot path.
    const local = blockDuration === 0 ? this.counters.incrementLocal(key, ttl, policy.limit) : null;
    if (local) return this.settle(policy, local, res);
    return this.storageService.increment(key, ttl, policy.limit, blockDuration, policy.name).then((record) => this.settle(policy, record, res));
  }

  private settle(policy: AppliedPolicy, record: Awaited<ReturnType<RateLimitStorage['increment']>>, res: Response): void {
    if (record.isBlocked) {
      const retryAfter = Math.max(1, Math.ceil(record.timeToBlockExpire));
      this.setResponseHeader(res, 'RateLimit', stateHeader(policy, 0, retryAfter));
      this.metrics.rateLimitRefusals.inc({ policy: policy.name });
      throw ThrottlingErrors.rateLimited(policy.name, retryAfter);
    }
    this.setResponseHeader(res, 'RateLimit', stateHeader(policy, policy.limit - record.totalHits, record.timeToExpire));
  }

  private anonymousPolicy(req: AppRequest): AppliedPolicy {
    return { name: 'anon', limit: this.config.rateLimit.anonPerMinute, tracker: `ip:${clientIp(req) ?? 'unknown'}` };
  }

  /** The route's rate-limit decorators, read once per handler. */
  private routeOf(context: ExecutionContext): { exempt: boolean; auth: boolean } {
    const handler = context.getHandler();
    let route = this.routes.get(handler);
    if (!route) {
      const targets = [handler, context.getClass()];
      route = {
        exempt: this.reflector.getAllAndOverride<boolean>(NO_RATE_LIMIT, targets) ?? false,
        auth: this.reflector.getAllAndOverride<boolean>(AUTH_RATE_LIMIT, targets) ?? false,
      };
      this.routes.set(handler, route);
    }
    return route;
  }

  private authPolicy(req: AppRequest): AppliedPolicy {
    return { name: 'auth', limit: this.config.rateLimit.authPerMinute, tracker: `ip:${clientIp(req) ?? 'unknown'}` };
  }

  private policyFor(req: AppRequest): AppliedPolicy | null | Promise<AppliedPolicy> {
    const principal = req.didhub?.principal;
    if (!principal) return this.anonymousPolicy(req);
    if (principal.kind === 'admin') return null;
    return this.accountPolicy(req, principal);
  }

  /** Synchronous when the principal came with its account's limits (always, today). */
  private accountPolicy(req: AppRequest, principal: CustomerPrincipal): AppliedPolicy | Promise<AppliedPolicy> {
    // Read with the credentials when the principal came with its account: an operator's change
    // holds from the next request on every instance. The cache is the fallback.
    if (principal.account) {
      return this.policyWith(req, principal, principal.account.rateLimitReadPerMinute, principal.account.rateLimitWritePerMinute);
    }
    return this.accountLimits
      .overridesFor(principal.accountId)
      .then((overrides) => this.policyWith(req, principal, overrides.readPerMinute, overrides.writePerMinute));
  }

  private policyWith(req: AppRequest, principal: CustomerPrincipal, readPerMinute: number | null, writePerMinute: number | null): AppliedPolicy {
    const limits = this.config.rateLimit;
    const tracker = `acct:${principal.accountId}`;
    if (READ_METHODS.has(req.method)) return { name: 'read', limit: readPerMinute ?? limits.readPerMinute, tracker };
    return { name: 'write', limit: writePerMinute ?? limits.writePerMinute, tracker };
  }

  private counterKey(policy: AppliedPolicy): string {
    return `${this.config.rateLimit.redisKeyPrefix}${policy.name}:${policy.tracker}`;
  }

  private async isFreeReplay(req: AppRequest, handler: Function): Promise<boolean> {
    let scope;
    try {
      scope = idempotencyScopeOf(req, this.keyedHash, streamsOwnBody(handler));
    } catch {
      return false; // a malformed key is counted; the interceptor answers the 400
    }
    if (!scope) return false;
    const replay = await this.idempotency.findReplay(scope);
    if (!replay) return false;
    stashReplay(req, replay);
    return true;
  }
}
