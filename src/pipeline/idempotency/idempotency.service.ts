import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ENCRYPTED_FIELDS, encryptionContext } from '../../platform/crypto/encrypted-fields';
import { EncryptionService } from '../../platform/crypto/encryption.service';
import { KeyedHash } from '../../platform/crypto/keyed-hash';
import { newId } from '../../platform/ids/ids';
import type { AppRequest } from '../../platform/request/request-context';
import { APP_CONFIG } from '../../platform/config/config.module';
import type { AppConfig } from '../../platform/config/config.types';
import { idempotencyScopeOf } from './idempotency-scope';
import { IdempotencyErrors } from './idempotency-errors';
import { IdempotencyRepository, type IdempotencyRow } from './idempotency.repository';
import { redactSecrets } from './response-redaction';
import type { FinishedResponse, IdempotencyDecision, IdempotencyLease, IdempotencyScope, ReplayedResponse } from './idempotency.types';

export type { FinishedResponse, IdempotencyDecision, IdempotencyLease, IdempotencyScope, ReplayedResponse } from './idempotency.types';

/** How long a key is remembered: the public promise is "within 24 hours". */
export const IDEMPOTENCY_RETENTION_MS = 24 * 60 * 60 * 1000;
/**
 * A running request holds its key by a lease (IDEMPOTENCY_LOCK_SECONDS) that it renews while it
 * runs, so a slow request (a mail server that takes minutes) is never taken over and run twice.
 * Only a lease nobody renews any more — its instance died — is taken over, with a new lease
 * token; the old holder, should it wake up, can then neither store nor delete anything.
 */
@Injectable()
export class IdempotencyService {
  private readonly lockMs: number;

  constructor(
    private readonly records: IdempotencyRepository,
    private readonly keyedHash: KeyedHash,
    private readonly encryption: EncryptionService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.lockMs = config.idempotencyLockSeconds * 1000;
  }

  /** The request's idempotency scope (null when it takes no part); see idempotencyScopeOf. */
  scopeOf(req: AppRequest, streamed: boolean): IdempotencyScope | null {
    return idempotencyScopeOf(req, this.keyedHash, streamed);
  }

  /**
   * Claims the key for this request, or says what to answer instead. Correct across instances:
   * the unique (account_id, key) constraint decides who runs; everyone else reads that row.
   */
  async begin(scope: IdempotencyScope, now = new Date()): Promise<IdempotencyDecision> {
    // Three rounds cover the races where the row we collided with disappears (expired, or its
    // request failed with a 5xx) between our insert and our read.
    for (let round = 0; round < 3; round++) {
      const recordId = newId('idempotency');
      const leaseToken = newLeaseToken();
      const inserted = await this.records.tryInsert({
        id: recordId,
        accountId: scope.accountId,
        principalId: scope.principalId,
        key: scope.key,
        leaseToken,
        method: scope.method,
        path: scope.path,
        requestHash: scope.fingerprint,
        lockedUntil: new Date(now.getTime() + this.lockMs),
        expiresAt: new Date(now.getTime() + IDEMPOTENCY_RETENTION_MS),
      });
      if (inserted) return { kind: 'execute', lease: { recordId, leaseToken } };

      const existing = await this.records.find(scope.accountId, scope.principalId, scope.key);
      if (!existing) continue;
      if (existing.expiresAt <= now) {
        await this.records.deleteIfExpired(existing.id, now);
        continue;
      }
      if (!sameRequest(existing, scope)) throw IdempotencyErrors.keyReused();
      if (existing.state === 'completed') return { kind: 'replay', response: this.toReplay(existing) };
      if (existing.lockedUntil <= now) {
        const takeover = newLeaseToken();
        if (await this.records.takeOver(existing.id, now, new Date(now.getTime() + this.lockMs), takeover)) {
          return { kind: 'execute', lease: { recordId: existing.id, leaseToken: takeover } };
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
    const existing = await this.records.find(scope.accountId, scope.principalId, scope.key);
    if (!existing || existing.state !== 'completed' || existing.expiresAt <= now || !sameRequest(existing, scope)) {
      return null;
    }
    return this.toReplay(existing);
  }

  /**
   * Stores the outcome. A 5xx is forgotten so the client may retry; a 4xx is kept (the same
   * request would fail the same way — a client that corrects its body uses a new key).
   * The response is kept whole (personal data included, so a replay is the original response)
   * and sealed like every other sensitive column; only one-time secrets are left out.
   */
  async finish(lease: IdempotencyLease, response: FinishedResponse): Promise<void> {
    if (response.status >= 500) {
      await this.records.delete(lease.recordId, lease.leaseToken);
      return;
    }
    // Through JSON first, as the response was sent: toJSON (dates) applied, undefined fields gone.
    const sent: unknown = response.body === undefined ? undefined : JSON.parse(JSON.stringify(response.body));
    const stored: SealedResponse = { headers: response.headers, body: redactSecrets(sent) };
    const sealed = this.encryption.encryptBytes(Buffer.from(JSON.stringify(stored), 'utf8'), responseContext(lease.recordId));
    await this.records.complete(lease.recordId, lease.leaseToken, { status: response.status, sealed });
  }

  /** Gives the key back without a stored response (the response could not be captured). */
  async release(lease: IdempotencyLease): Promise<void> {
    await this.records.delete(lease.recordId, lease.leaseToken);
  }

  /**
   * Renews the lease every third of its length until the returned function is called (when
   * the request has finished). A failed renewal is retried at the next tick; a lost lease
   * (taken over after this instance stalled) stops renewing.
   */
  keepAlive(lease: IdempotencyLease, onError: (error: unknown) => void): () => void {
    let stopped = false;
    const timer = setInterval(() => {
      this.records
        .renew(lease.recordId, lease.leaseToken, new Date(Date.now() + this.lockMs))
        .then((held) => {
          if (!held) stop();
        })
        .catch(onError);
    }, Math.max(100, Math.floor(this.lockMs / 3)));
    timer.unref();
    const stop = () => {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
    };
    return stop;
  }

  private toReplay(row: IdempotencyRow): ReplayedResponse {
    const status = row.responseStatus ?? 200;
    if (row.responseEnc) {
      // JSON.stringify(JSON.parse(text)) === text for any text JSON.stringify wrote, so the body
      // serialises back to the bytes first sent.
      const stored = JSON.parse(this.encryption.decryptBytes(row.responseEnc, responseContext(row.id)).toString('utf8')) as SealedResponse;
      return { status, body: stored.body, headers: stored.headers };
    }
    return {
      status,
      body: row.legacyBody && row.legacyBody.length > 0 ? JSON.parse(row.legacyBody.toString('utf8')) : undefined,
      headers: row.legacyHeaders ?? {},
    };
  }

  /** Deletes up to `batchSize` records older than 24 h; the retention job calls it until it returns 0. */
  async purgeExpired(batchSize = 1000, now = new Date()): Promise<number> {
    return this.records.deleteExpired(now, batchSize);
  }
}

/** What the response_enc envelope holds; `body` is absent for an empty body. */
interface SealedResponse {
  headers: Record<string, string>;
  body?: unknown;
}

function responseContext(recordId: string) {
  return encryptionContext(ENCRYPTED_FIELDS.idempotencyResponse, recordId);
}

function newLeaseToken(): string {
  return randomBytes(16).toString('base64url');
}

function sameRequest(row: IdempotencyRow, scope: IdempotencyScope): boolean {
  return row.method === scope.method && row.path === scope.path && row.requestHash === scope.fingerprint;
}


function retryAfterSeconds(lockedUntil: Date, now: Date): number {
  // Short and whole: most requests finish in well under a second, so one second is a fair
  // first back-off; never beyond the point the lock would be taken over anyway.
  return Math.max(1, Math.min(5, Math.ceil((lockedUntil.getTime() - now.getTime()) / 1000)));
}
