import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import type { Logger } from 'pino';
import { encryptionContext, ENCRYPTED_FIELDS } from '../crypto/encrypted-fields';
import { EncryptionService } from '../crypto/encryption.service';
import { APP_LOGGER } from '../logging/logger';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.types';
import { Metrics } from '../metrics/metrics';
import { MailOutboxRepository, type OutboxRow } from './mail-outbox.repository';

export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
}

const CLAIM_BATCH = 20;
const MAX_BACKOFF_SECONDS = 3600;

/**
 * SMTP delivery through a database outbox: a request only inserts the mail (encrypted: it
 * carries tokens) and this instance delivers it right after, in the background; a failure
 * (server down, hanging past SMTP_TIMEOUT_MS) leaves it for retries with exponential backoff,
 * which any instance's worker picks up. Delivered mail is deleted. A crash mid-delivery can
 * send a mail twice (at-least-once); it never loses one.
 */
@Injectable()
export class MailOutbox implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly transport: Transporter;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  private stopped = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(APP_LOGGER) private readonly logger: Logger,
    private readonly outbox: MailOutboxRepository,
    private readonly encryption: EncryptionService,
    private readonly metrics: Metrics,
  ) {
    this.transport = createTransport(withTimeouts(config.smtpUrl ?? 'smtp://127.0.0.1:25', config.mailOutbox.smtpTimeoutMs));
  }

  onApplicationBootstrap(): void {
    if (this.config.mailTransport !== 'smtp') return;
    this.metrics.gauge('didhub_mail_outbox_depth', 'Mails waiting in the outbox for delivery or a retry', () => this.outbox.countPending());
    this.metrics.gauge('didhub_mail_outbox_lag_seconds', 'How long the oldest due mail has been waiting', () => this.outbox.oldestDueSeconds());
    this.timer = setInterval(() => void this.drain(), this.config.mailOutbox.pollMs);
    this.timer.unref();
  }

  /** Stores the mail and starts delivering it; resolves once it is stored (never waits for SMTP). */
  async enqueue(mail: OutgoingMail): Promise<void> {
    const id = `mail_${randomUUID().replace(/-/g, '')}`;
    const payload = this.encryption.encryptString(JSON.stringify(mail), encryptionContext(ENCRYPTED_FIELDS.mailOutboxPayload, id));
    await this.outbox.insertClaimed(id, payload);
    this.track(this.deliver({ id, payloadEnc: payload, attempts: 1 }));
  }

  /** Delivers every due mail now (the worker's tick; tests call it to avoid waiting for one). */
  drain(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.running ??= (async () => {
      try {
        for (;;) {
          const rows = await this.outbox.claimDue(CLAIM_BATCH);
          for (const row of rows) await this.deliver(row);
          if (rows.length < CLAIM_BATCH || this.stopped) return;
        }
      } catch (error) {
        // Database unreachable: the next tick tries again.
        this.logger.warn({ code: (error as { code?: unknown })?.code ?? null }, 'mail outbox: could not read due mail');
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    // Deliveries are bounded by the SMTP timeouts; what does not finish stays in the outbox.
    await Promise.allSettled([this.running, ...this.inFlight]);
    this.transport.close();
  }

  private track(delivery: Promise<void>): void {
    this.inFlight.add(delivery);
    void delivery.finally(() => this.inFlight.delete(delivery));
  }

  private async deliver(row: OutboxRow): Promise<void> {
    let mail: OutgoingMail;
    try {
      mail = JSON.parse(this.encryption.decryptString(row.payloadEnc, encryptionContext(ENCRYPTED_FIELDS.mailOutboxPayload, row.id))) as OutgoingMail;
    } catch {
      this.logger.error({ mail_id: row.id }, 'mail outbox: undecryptable mail dropped');
      this.metrics.mailDeliveries.inc({ outcome: 'undecryptable' });
      await this.outbox.delete(row.id).catch(() => undefined);
      return;
    }
    try {
      await this.transport.sendMail(mail);
    } catch (error) {
      await this.failed(row, mail.subject, error);
      return;
    }
    this.logger.info({ subject: mail.subject, transport: 'smtp', attempts: row.attempts }, 'mail sent');
    this.metrics.mailDeliveries.inc({ outcome: 'sent' });
    // If this delete fails the mail is sent again later: at-least-once.
    await this.outbox.delete(row.id).catch(() => undefined);
  }

  /** Only the subject and error code are logged: SMTP errors can quote the recipient. */
  private async failed(row: OutboxRow, subject: string, error: unknown): Promise<void> {
    const raw = (error as { code?: unknown } | null)?.code;
    const code = (typeof raw === 'string' || typeof raw === 'number' ? String(raw) : 'EUNKNOWN').slice(0, 40);
    const { retryBaseSeconds, maxAttempts } = this.config.mailOutbox;
    if (row.attempts >= maxAttempts) {
      this.logger.error({ subject, code, attempts: row.attempts }, 'mail outbox: delivery given up');
      this.metrics.mailDeliveries.inc({ outcome: 'given_up' });
      await this.outbox.delete(row.id).catch(() => undefined);
      return;
    }
    const delay = Math.min(MAX_BACKOFF_SECONDS, retryBaseSeconds * 2 ** (row.attempts - 1));
    this.logger.warn({ subject, code, attempts: row.attempts, retry_in_seconds: delay }, 'mail delivery failed; will retry');
    this.metrics.mailDeliveries.inc({ outcome: 'retry' });
    await this.outbox.scheduleRetry(row.id, delay, code).catch(() => undefined);
  }
}

/**
 * SMTP_URL with the timeouts as query options (nodemailer reads them from there; given an
 * object with `url`, it would drop every other option).
 */
function withTimeouts(smtpUrl: string, timeoutMs: number): string {
  const url = new URL(smtpUrl);
  for (const name of ['connectionTimeout', 'greetingTimeout', 'socketTimeout', 'dnsTimeout']) {
    if (!url.searchParams.has(name)) url.searchParams.set(name, String(timeoutMs));
  }
  return url.toString();
}
