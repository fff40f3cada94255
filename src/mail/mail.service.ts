import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { Logger } from 'pino';
import { APP_LOGGER } from '../common/logging/logger';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.types';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/**
 * Outgoing mail: SMTP when SMTP_URL is set, otherwise one `.eml` file per message in MAIL_DIR.
 * Only the subject is logged — bodies carry tokens and addresses are personal data.
 */
@Injectable()
export class MailService implements OnModuleDestroy {
  private readonly transport: Transporter | null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(APP_LOGGER) private readonly logger: Logger,
  ) {
    this.transport = config.smtpUrl ? createTransport(config.smtpUrl) : null;
  }

  async send(message: MailMessage): Promise<void> {
    const mail = { from: this.config.mailFrom, to: message.to, subject: message.subject, text: message.text };
    if (this.transport) {
      await this.transport.sendMail(mail);
      this.logger.info({ subject: message.subject, transport: 'smtp' }, 'mail sent');
      return;
    }
    const raw = await new MailComposer(mail).compile().build();
    mkdirSync(this.config.mailDir, { recursive: true, mode: 0o700 });
    const file = join(this.config.mailDir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}.eml`);
    writeFileSync(file, raw, { mode: 0o600 });
    this.logger.info({ subject: message.subject, transport: 'file', file }, 'mail written');
  }

  /**
   * For notices sent after a change was made: a mail outage must not turn a done change into
   * an error (nor tell which branch ran). Only the subject and error code are logged — SMTP
   * errors can quote the recipient.
   */
  async sendBestEffort(message: MailMessage): Promise<void> {
    try {
      await this.send(message);
    } catch (error) {
      this.logger.error({ subject: message.subject, code: (error as { code?: unknown })?.code ?? null }, 'mail delivery failed');
    }
  }

  onModuleDestroy(): void {
    this.transport?.close();
  }
}
