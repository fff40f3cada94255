import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { Logger } from 'pino';
import { APP_LOGGER } from '../logging/logger';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.types';
import { Metrics } from '../metrics/metrics';
import { MailOutbox } from './mail-outbox';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/**
 * Outgoing mail. With SMTP_URL: into the database outbox (mail-outbox.ts), delivered in the
 * background with retries, so a request never waits for an SMTP server. Without: one `.eml`
 * file per message in MAIL_DIR, written at once (development and tests read them back).
 * Only the subject is logged — bodies carry tokens and addresses are personal data.
 */
@Injectable()
export class MailService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(APP_LOGGER) private readonly logger: Logger,
    private readonly outbox: MailOutbox,
    private readonly metrics: Metrics,
  ) {}

  /** Resolves once the mail is stored for delivery (SMTP) or written (file); rejects if it could not be. */
  async send(message: MailMessage): Promise<void> {
    const mail = { from: this.config.mailFrom, to: message.to, subject: message.subject, text: message.text };
    if (this.config.mailTransport === 'smtp') {
      await this.outbox.enqueue(mail);
      return;
    }
    const raw = await new MailComposer(mail).compile().build();
    mkdirSync(this.config.mailDir, { recursive: true, mode: 0o700 });
    const file = join(this.config.mailDir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}.eml`);
    writeFileSync(file, raw, { mode: 0o600 });
    this.logger.info({ subject: message.subject, transport: 'file', file }, 'mail written');
    this.metrics.mailDeliveries.inc({ outcome: 'written_to_file' });
  }

  /**
   * For notices sent after a change was made: a mail outage must not turn a done change into
   * an error (nor tell which branch ran). Only the subject and error code are logged.
   */
  async sendBestEffort(message: MailMessage): Promise<void> {
    try {
      await this.send(message);
    } catch (error) {
      this.logger.error({ subject: message.subject, code: (error as { code?: unknown })?.code ?? null }, 'mail could not be queued');
    }
  }
}
