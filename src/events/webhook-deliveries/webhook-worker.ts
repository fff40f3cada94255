import { readFileSync } from 'node:fs';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Logger } from 'pino';
import { APP_CONFIG } from '../../platform/config/config.module';
import type { AppConfig } from '../../platform/config/config.types';
import { APP_LOGGER } from '../../platform/logging/logger';
import { MailService } from '../../platform/mail/mail.service';
import { toEventResponse } from '../events/event.response';
import { EventsService } from '../events/events.service';
import { signWebhook } from '../webhook-endpoints/webhook-secret';
import { WebhookEndpointsService } from '../webhook-endpoints/webhook-endpoints.service';
import { AccountOwnersDirectory } from './account-owners.port';
import { nextRetryDelaySeconds, parseRetryAfter } from './retry-schedule';
import { type ClaimedDelivery, WebhookDeliveriesRepository } from './webhook-deliveries.repository';
import { WebhookFanout } from './webhook-fanout';
import { sendWebhook, type SendOptions, type SendOutcome } from './webhook-sender';

const CLAIM_BATCH = 10;
/** Attempts one instance runs at once (each may wait up to its timeouts on a slow receiver). */
const MAX_IN_FLIGHT = 32;
/** Owners are warned this long before a failing endpoint is disabled. */
const WARN_BEFORE_MS = 24 * 3_600_000;

/**
 * Delivers due webhooks: claims a batch (row locks, SKIP LOCKED, a lease), POSTs each, records
 * the attempt and the next step. At least once: a crash leaves the lease to expire and another
 * instance retries; the receiver deduplicates on `webhook-id` (the event id, the same on every retry).
 */
@Injectable()
export class WebhookWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | null = null;
  private claiming: Promise<void> | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  private stopped = false;
  private readonly sendOptions: SendOptions;
  private readonly leaseSeconds: number;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(APP_LOGGER) private readonly logger: Logger,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly events: EventsService,
    private readonly endpoints: WebhookEndpointsService,
    private readonly fanout: WebhookFanout,
    private readonly mail: MailService,
    private readonly moduleRef: ModuleRef,
  ) {
    const w = config.webhooks;
    this.sendOptions = {
      allowPrivate: w.allowPrivate,
      connectTimeoutMs: w.connectTimeoutMs,
      responseTimeoutMs: w.responseTimeoutMs,
      ca: w.caFile ? readFileSync(w.caFile, 'utf8') : undefined,
    };
    // Longer than any attempt can take, so a live holder never loses its lease.
    this.leaseSeconds = Math.ceil((w.connectTimeoutMs + w.responseTimeoutMs) / 1000) + 30;
  }

  /** Pays the claim query's first-use cost before the app says ready, then polls. */
  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.webhooks.deliveryEnabled) return;
    await this.tick();
    this.timer = setInterval(() => void this.tick(), this.config.webhooks.pollMs);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.claiming;
    await Promise.allSettled([...this.inFlight]);
  }

  /** Claims due deliveries while there is room and starts them; one slow receiver never holds up the others. */
  tick(): Promise<void> {
    this.claiming ??= this.claimWhileRoom().finally(() => (this.claiming = null));
    return this.claiming;
  }

  private async claimWhileRoom(): Promise<void> {
    try {
      while (!this.stopped) {
        const room = Math.min(CLAIM_BATCH, MAX_IN_FLIGHT - this.inFlight.size);
        if (room <= 0) return;
        const batch = await this.deliveries.claim(room, this.leaseSeconds);
        for (const delivery of batch) this.track(this.attempt(delivery));
        if (batch.length < room) return;
      }
    } catch (error) {
      this.logger.warn({ err: { message: (error as Error).message } }, 'webhook delivery tick failed');
    }
  }

  private track(work: Promise<void>): void {
    const tracked = work
      .catch((error: unknown) => this.logger.warn({ err: { message: (error as Error).message } }, 'webhook attempt failed to record'))
      .finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  private async attempt(claimed: ClaimedDelivery): Promise<void> {
    const now = new Date();
    const [event, target] = await Promise.all([this.events.findForDelivery(claimed.eventId), this.endpoints.target(claimed.endpointId)]);
    const none = { statusCode: null, latencyMs: 0, errorClass: null, at: now };
    if (!event || !target) {
      await this.deliveries.finish(claimed, none, { status: 'failed', uncountAttempt: true });
      return;
    }
    if (!target.enabled) {
      await this.deliveries.finish(claimed, none, { status: 'paused', uncountAttempt: true });
      return;
    }
    const body = JSON.stringify(toEventResponse(event));
    const timestamp = Math.floor(Date.now() / 1000);
    const outcome = await sendWebhook(
      target.url,
      { 'webhook-id': event.id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signWebhook(target.secrets, event.id, timestamp, body) },
      body,
      this.sendOptions,
    );
    const attempt = { statusCode: outcome.statusCode, latencyMs: outcome.latencyMs, errorClass: outcome.errorClass, at: now };
    if (outcome.ok) {
      await this.deliveries.finish(claimed, attempt, { status: 'succeeded' });
      await this.endpoints.markHealthy(target.id);
      return;
    }
    if (outcome.statusCode === 410) {
      await this.disable(claimed, attempt, target.id, target.accountId, 'gone');
      return;
    }
    await this.retryLater(claimed, attempt, outcome, target.id, target.accountId);
  }

  private async retryLater(
    claimed: ClaimedDelivery,
    attempt: { statusCode: number | null; latencyMs: number; errorClass: string | null; at: Date },
    outcome: SendOutcome,
    endpointId: string,
    accountId: string,
  ): Promise<void> {
    const delay = nextRetryDelaySeconds(claimed.attempts, parseRetryAfter(outcome.retryAfter, attempt.at));
    const held =
      delay === null
        ? await this.deliveries.finish(claimed, attempt, { status: 'failed' })
        : await this.deliveries.finish(claimed, attempt, { status: 'pending', nextAttemptAt: new Date(attempt.at.getTime() + delay * 1000) });
    if (!held) return;
    const clock = await this.endpoints.markFailing(endpointId, attempt.at);
    if (!clock?.failingSince || !clock.enabled) return;
    const failingFor = attempt.at.getTime() - clock.failingSince.getTime();
    const limit = this.config.webhooks.disableAfterHours * 3_600_000;
    if (failingFor >= limit) {
      await this.disable(null, null, endpointId, accountId, 'failing');
    } else if (failingFor >= limit - WARN_BEFORE_MS && (await this.endpoints.markWarned(endpointId, attempt.at))) {
      await this.warnOwners(accountId, endpointId, new Date(clock.failingSince.getTime() + limit));
    }
  }

  /** Disables the endpoint, holds what it is owed and records webhook_endpoint.disabled, in one transaction. */
  private async disable(
    claimed: ClaimedDelivery | null,
    attempt: { statusCode: number | null; latencyMs: number; errorClass: string | null; at: Date } | null,
    endpointId: string,
    accountId: string,
    reason: 'gone' | 'failing',
  ): Promise<void> {
    const at = new Date();
    await this.deliveries.transaction(async (tx) => {
      if (claimed && attempt) await this.deliveries.finish(claimed, attempt, { status: 'paused' }, tx);
      if (!(await this.endpoints.disable(tx, endpointId, reason, at))) return;
      await this.deliveries.pauseEndpoint(tx, endpointId);
      await this.fanout.publish(tx, {
        type: 'webhook_endpoint.disabled',
        accountId,
        resourceId: endpointId,
        data: { webhook_endpoint_id: endpointId, reason, disabled_at: at.toISOString() },
      });
    });
    this.logger.info({ webhookEndpointId: endpointId, reason }, 'webhook endpoint disabled');
  }

  private async warnOwners(accountId: string, endpointId: string, disableAt: Date): Promise<void> {
    const directory = this.moduleRef.get(AccountOwnersDirectory, { strict: false });
    const owners = await directory.ownerEmails(accountId);
    await Promise.all(
      owners.map((to) =>
        this.mail.send({
          to,
          subject: 'A DIDHub webhook endpoint is failing and will be disabled',
          text:
            `Deliveries to webhook endpoint ${endpointId} have failed since it stopped answering with 2xx. ` +
            `Unless one succeeds, it will be disabled at ${disableAt.toISOString()}. ` +
            'Events keep being recorded; enabling the endpoint again delivers what it missed (GET /v1/webhook-endpoints/{id}/attempts shows why attempts fail).',
        }),
      ),
    );
  }
}
