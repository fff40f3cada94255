import { type CallHandler, type ExecutionContext, Inject, Injectable, type NestInterceptor, StreamableFile } from '@nestjs/common';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { catchError, from, mergeMap, type Observable, of, tap, throwError } from 'rxjs';
import { ApiError } from '../common/errors/api-error';
import { toApiError } from '../common/errors/to-api-error';
import { type AppRequest, requestIdOf } from '../common/http/request-context';
import { APP_LOGGER } from '../common/logging/logger';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.types';
import { IdempotentReplay, isStreamedBody, setIdempotencyGate, streamedFingerprint } from './idempotency-gate';
import { idempotencyScopeOf, stashedReplay } from './idempotency-scope';
import { type IdempotencyScope, IdempotencyService, type ReplayedResponse } from './idempotency.service';
import { safeError } from '../common/logging/safe-error';
import { errorBody } from '../common/errors/error-response';

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
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(APP_LOGGER) private readonly logger: Logger,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<AppRequest>();
    const res = context.switchToHttp().getResponse<Response>();
    const scope = idempotencyScopeOf(req);
    if (!scope) return next.handle();

    if (isStreamedBody(req)) return this.streamed(scope, req, res, next);

    const early = stashedReplay(req);
    if (early) return replay(res, early);

    return from(this.idempotency.begin(scope)).pipe(
      mergeMap((decision) => {
        if (decision.kind === 'replay') return replay(res, decision.response);
        return this.execute(() => decision.recordId, req, res, next);
      }),
    );
  }

  /** A streamed body (multipart upload): the handler claims the key once it has hashed the raw bytes. */
  private streamed(scope: IdempotencyScope, req: AppRequest, res: Response, next: CallHandler): Observable<unknown> {
    let recordId: string | null = null;
    setIdempotencyGate(req, {
      claim: async (rawBodySha256) => {
        const decision = await this.idempotency.begin({ ...scope, fingerprint: streamedFingerprint(scope, rawBodySha256) });
        if (decision.kind === 'replay') return decision.response;
        recordId = decision.recordId;
        return null;
      },
    });
    return this.execute(() => recordId, req, res, next);
  }

  /** `recordIdOf` is null until the key is claimed (streamed bodies); unclaimed requests store nothing. */
  private execute(recordIdOf: () => string | null, req: AppRequest, res: Response, next: CallHandler): Observable<unknown> {
    let emitted = false;
    return next.handle().pipe(
      mergeMap(async (value) => {
        emitted = true;
        const recordId = recordIdOf();
        if (recordId === null || value instanceof IdempotentReplay) return value;
        if (value instanceof StreamableFile || Buffer.isBuffer(value) || typeof value === 'string') {
          // Not JSON: cannot be stored faithfully, so the key is released rather than replayed wrong.
          await this.idempotency.release(recordId);
        } else {
          await this.idempotency.finish(recordId, { status: res.statusCode, body: value, headers: replayableHeaders(res) });
        }
        return value;
      }),
      tap({
        complete: () => {
          const recordId = recordIdOf();
          if (!emitted && recordId !== null) this.release(recordId, req);
        },
      }),
      catchError((err: unknown) => {
        const recordId = recordIdOf();
        if (recordId === null) return throwError(() => err);
        return from(this.finishWithError(recordId, req, err)).pipe(mergeMap(() => throwError(() => err)));
      }),
    );
  }

  private async finishWithError(recordId: string, req: AppRequest, err: unknown): Promise<void> {
    const { error } = toApiError(err, this.config.bodyLimitBytes);
    const headers: Record<string, string> = {};
    if (err instanceof ApiError) {
      for (const [name, value] of Object.entries(err.headers)) {
        if (!NEVER_REPLAYED.has(name.toLowerCase())) headers[name] = value;
      }
    }
    try {
      await this.idempotency.finish(recordId, {
        status: error.getStatus(),
        body: errorBody(error, requestIdOf(req)),
        headers,
      });
    } catch (storeError) {
      // The original error matters more to the client; the record stays in progress until its lock lapses.
      this.logger.error({ err: safeError(storeError), request_id: requestIdOf(req) }, 'could not store idempotent error response');
    }
  }

  private release(recordId: string, req: AppRequest): void {
    this.idempotency.release(recordId).catch((err: unknown) => {
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

function replay(res: Response, stored: ReplayedResponse): Observable<unknown> {
  res.status(stored.status);
  for (const [name, value] of Object.entries(stored.headers)) {
    if (!NEVER_REPLAYED.has(name.toLowerCase())) res.setHeader(name, value);
  }
  res.setHeader(IDEMPOTENT_REPLAYED_HEADER, 'true');
  return of(stored.body);
}
