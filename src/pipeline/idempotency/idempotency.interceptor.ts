import { type CallHandler, type ExecutionContext, Inject, Injectable, type NestInterceptor, StreamableFile } from '@nestjs/common';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { catchError, finalize, from, mergeMap, type Observable, of, tap, throwError } from 'rxjs';
import { ApiError } from '../../platform/errors/api-error';
import { toApiError } from '../../platform/errors/to-api-error';
import { type AppRequest, requestIdOf } from '../../platform/request/request-context';
import { APP_LOGGER } from '../../platform/logging/logger';
import { APP_CONFIG } from '../../platform/config/config.module';
import type { AppConfig } from '../../platform/config/config.types';
import { KeyedHash } from '../../platform/crypto/keyed-hash';
import { IdempotentReplay, setIdempotencyGate, streamedFingerprint, streamsOwnBody } from './idempotency-gate';
import { stashedReplay } from './idempotency-scope';
import { type IdempotencyLease, type IdempotencyScope, IdempotencyService, type ReplayedResponse } from './idempotency.service';
import { safeError } from '../../platform/logging/safe-error';
import { errorBody } from '../../platform/errors/error-response';

export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';

/**
 * Response headers worth replaying. Set-Cookie is deliberately absent (a replay must never
 * hand out a session), as are per-request headers (request id, rate-limit state).
 */
const REPLAYED_HEADERS = ['location', 'content-location', 'link'];
const NEVER_REPLAYED = new Set(['set-cookie', 'retry-after', 'x-request-id', 'ratelimit', 'ratelimit-policy', 'cache-control']);

/**
 * Runs after the guards (authenticated, authorised, within budget) and before validation, so
 * a replay answers even a body that validation would now refuse exactly as it did the first time.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly idempotency: IdempotencyService,
    private readonly keyedHash: KeyedHash,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(APP_LOGGER) private readonly logger: Logger,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<AppRequest>();
    const res = context.switchToHttp().getResponse<Response>();
    const streamed = streamsOwnBody(context.getHandler());
    const scope = this.idempotency.scopeOf(req, streamed);
    if (!scope) return next.handle();

    if (streamed) return this.streamed(scope, req, res, next);

    const early = stashedReplay(req);
    if (early) return replay(res, early);

    return from(this.idempotency.begin(scope)).pipe(
      mergeMap((decision) => {
        if (decision.kind === 'replay') return replay(res, decision.response);
        const lease = decision.lease;
        return this.execute(() => lease, this.renew(lease, req), req, res, next);
      }),
    );
  }

  /** A streamed body (multipart upload): the handler claims the key once it has hashed the raw bytes. */
  private streamed(scope: IdempotencyScope, req: AppRequest, res: Response, next: CallHandler): Observable<unknown> {
    let lease: IdempotencyLease | null = null;
    let stopRenewing = () => {};
    setIdempotencyGate(req, {
      claim: async (rawBodySha256) => {
        const decision = await this.idempotency.begin({ ...scope, fingerprint: streamedFingerprint(scope, rawBodySha256, this.keyedHash) });
        if (decision.kind === 'replay') return decision.response;
        lease = decision.lease;
        stopRenewing = this.renew(lease, req);
        return null;
      },
    });
    return this.execute(() => lease, () => stopRenewing(), req, res, next);
  }

  /** The lease is renewed for as long as the handler runs, however slow, so no retry takes it over. */
  private renew(lease: IdempotencyLease, req: AppRequest): () => void {
    return this.idempotency.keepAlive(lease, (err) =>
      this.logger.warn({ err: safeError(err), request_id: requestIdOf(req) }, 'could not renew idempotency lease'),
    );
  }

  /** `leaseOf` is null until the key is claimed (streamed bodies); unclaimed requests store nothing. */
  private execute(
    leaseOf: () => IdempotencyLease | null,
    stopRenewing: () => void,
    req: AppRequest,
    res: Response,
    next: CallHandler,
  ): Observable<unknown> {
    let emitted = false;
    return next.handle().pipe(
      mergeMap(async (value: unknown) => {
        emitted = true;
        const lease = leaseOf();
        if (value instanceof IdempotentReplay) {
          // A streaming route (@Res) found a replay when it claimed its key: sent here, like every replay.
          sendReplay(res, value.response);
          return value;
        }
        if (lease === null) return value;
        if (value instanceof StreamableFile || Buffer.isBuffer(value) || typeof value === 'string') {
          // Not JSON: cannot be stored faithfully, so the key is released rather than replayed wrong.
          await this.idempotency.release(lease);
        } else {
          await this.idempotency.finish(lease, { status: res.statusCode, body: value, headers: replayableHeaders(res) });
        }
        return value;
      }),
      tap({
        complete: () => {
          const lease = leaseOf();
          if (!emitted && lease !== null) this.release(lease, req);
        },
      }),
      catchError((err: unknown) => {
        const lease = leaseOf();
        if (lease === null) return throwError(() => err);
        return from(this.finishWithError(lease, req, err)).pipe(mergeMap(() => throwError(() => err)));
      }),
      finalize(stopRenewing),
    );
  }

  private async finishWithError(lease: IdempotencyLease, req: AppRequest, err: unknown): Promise<void> {
    const { error } = toApiError(err, this.config.bodyLimitBytes);
    const headers: Record<string, string> = {};
    if (err instanceof ApiError) {
      for (const [name, value] of Object.entries(err.headers)) {
        if (!NEVER_REPLAYED.has(name.toLowerCase())) headers[name] = value;
      }
    }
    try {
      await this.idempotency.finish(lease, {
        status: error.getStatus(),
        body: errorBody(error, requestIdOf(req)),
        headers,
      });
    } catch (storeError) {
      // The original error matters more to the client; the record stays in progress until its lock lapses.
      this.logger.error({ err: safeError(storeError), request_id: requestIdOf(req) }, 'could not store idempotent error response');
    }
  }

  private release(lease: IdempotencyLease, req: AppRequest): void {
    this.idempotency.release(lease).catch((err: unknown) => {
      this.logger.error({ err: safeError(err), request_id: requestIdOf(req) }, 'could not release idempotency key');
    });
  }
}

function replayableHeaders(res: Response): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of REPLAYED_HEADERS) {
    const value = res.getHeader(name);
    if (typeof value === 'string') headers[name] = value;
  }
  return headers;
}

function replayHead(res: Response, stored: ReplayedResponse): void {
  res.status(stored.status);
  for (const [name, value] of Object.entries(stored.headers)) {
    if (!NEVER_REPLAYED.has(name.toLowerCase())) res.setHeader(name, value);
  }
  res.setHeader(IDEMPOTENT_REPLAYED_HEADER, 'true');
}

/** A replay for Nest to send (the handler returns a value). */
function replay(res: Response, stored: ReplayedResponse): Observable<unknown> {
  replayHead(res, stored);
  return of(stored.body);
}

/** A replay sent directly (the handler owns the response with @Res). */
function sendReplay(res: Response, stored: ReplayedResponse): void {
  replayHead(res, stored);
  if (stored.body === undefined) res.end();
  else res.json(stored.body);
}
