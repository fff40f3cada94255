import { Injectable } from '@nestjs/common';
import { newId } from '../common/ids/ids';
import { IdempotencyErrors } from './idempotency-errors';
import { IdempotencyRepository, type IdempotencyRow, type StoredResponse } from './idempotency.repository';
import { redactSecrets } from './response-redaction';

/** How long a key is remembered: the public promise is "within 24 hours". */
export const IDEMPOTENCY_RETENTION_MS = 24 * 60 * 60 * 1000;
/**
 * How long a first request holds its key. After that the record counts as abandoned (the
 * instance died mid-request) and the next retry may take it over instead of waiting 24 h.
 */
export const IDEMPOTENCY_LOCK_MS = 60 * 1000;

export interface IdempotencyScope {
  accountId: string;
  key: string;
  method: string;
  path: string;
  fingerprint: string;
}

export type IdempotencyDecision =
  | { kind: 'execute'; recordId: string }
  | { kind: 'replay'; response: ReplayedResponse };

export interface ReplayedResponse {
  status: number;
  /** The stored JSON body (secret fields already removed), or undefined for an empty body. */
  body: unknown;
  headers: Record<string, string>;
}

/** The response of a finished request, as the interceptor saw it. */
export interface FinishedResponse {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

@Injectable()
export class IdempotencyService {
  constructor(private readonly records: IdempotencyRepository) {}

  /**
   * Claims the key for this request, or says what to answer instead. Correct across instances:
   * the unique (account_id, key) constraint decides who runs; everyone else reads that row.
   */
  async begin(scope: IdempotencyScope, now = new Date()): Promise<IdempotencyDecision> {
    // Three rounds cover the races where the row we collided with disappears (expired, or its
    // request failed with a 5xx) between our insert and our read.
    for (let round = 0; round < 3; round++) {
      const recordId = newId('idempotency');
      const inserted = await this.records.tryInsert({
        id: recordId,
        accountId: scope.accountId,
        key: scope.key,
        method: scope.method,
        path: scope.path,
        requestHash: scope.fingerprint,
        lockedUntil: new Date(now.getTime() + IDEMPOTENCY_LOCK_MS),
        expiresAt: new Date(now.getTime() + IDEMPOTENCY_RETENTION_MS),
      });
      if (inserted) return { kind: 'execute', recordId };

      const existing = await this.records.find(scope.accountId, scope.key);
      if (!existing) continue;
      if (existing.expiresAt <= now) {
        await this.records.deleteIfExpired(existing.id, now);
        continue;
      }
      if (!sameRequest(existing, scope)) throw IdempotencyErrors.keyReused();
      if (existing.state === 'completed') return { kind: 'replay', response: toReplay(existing) };
      if (existing.lockedUntil <= now) {
        if (await this.records.takeOver(existing.id, now, new Date(now.getTime() + IDEMPOTENCY_LOCK_MS))) {
          return { kind: 'execute', recordId: existing.id };
        }
      }
      throw IdempotencyErrors.inProgress(retryAfterSeconds(existing.lockedUntil, now));
    }
    throw IdempotencyErrors.inProgress(1);
  }

  /**
   * A finished replay for this exact request, or null. Read-only and cheap (one indexed row);
   * the rate limiter uses it to let replays through without spending budget.
   */
  async findReplay(scope: IdempotencyScope, now = new Date()): Promise<ReplayedResponse | null> {
    const existing = await this.records.find(scope.accountId, scope.key);
    if (!existing || existing.state !== 'completed' || existing.expiresAt <= now || !sameRequest(existing, scope)) {
      return null;
    }
    return toReplay(existing);
  }

  /**
   * Stores the outcome. A 5xx is forgotten so the client may retry; a 4xx is kept (the same
   * request would fail the same way — a client that corrects its body uses a new key).
   */
  async finish(recordId: string, response: FinishedResponse): Promise<void> {
    if (response.status >= 500) {
      await this.records.delete(recordId);
      return;
    }
    const body = response.body === undefined ? null : Buffer.from(JSON.stringify(redactSecrets(response.body)), 'utf8');
    const stored: StoredResponse = { status: response.status, body, headers: response.headers };
    await this.records.complete(recordId, stored);
  }

  /** Gives the key back without a stored response (the response could not be captured). */
  async release(recordId: string): Promise<void> {
    await this.records.delete(recordId);
  }

  /** Deletes up to `batchSize` records older than 24 h; the retention job calls it until it returns 0. */
  async purgeExpired(batchSize = 1000, now = new Date()): Promise<number> {
    return this.records.deleteExpired(now, batchSize);
  }
}

function sameRequest(row: IdempotencyRow, scope: IdempotencyScope): boolean {
  return row.method === scope.method && row.path === scope.path && row.requestHash === scope.fingerprint;
}

function toReplay(row: IdempotencyRow): ReplayedResponse {
  return {
    status: row.responseStatus ?? 200,
    body: row.responseBody && row.responseBody.length > 0 ? JSON.parse(row.responseBody.toString('utf8')) : undefined,
    headers: row.responseHeaders ?? {},
  };
}

function retryAfterSeconds(lockedUntil: Date, now: Date): number {
  // Short and whole: most requests finish in well under a second, so one second is a fair
  // first back-off; never beyond the point the lock would be taken over anyway.
  return Math.max(1, Math.min(5, Math.ceil((lockedUntil.getTime() - now.getTime()) / 1000)));
}
