import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../../platform/config/config.module';
import type { AppConfig } from '../../platform/config/config.types';
import { type MailMessage, MailService } from '../../platform/mail/mail.service';
import { AuthMails } from './auth-mails';

/** Sends the sign-in mails with links to the first dashboard origin. */
@Injectable()
export class AuthMailer {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly mail: MailService,
  ) {}

  verifyEmail(to: string, token: string): Promise<void> {
    return this.send(AuthMails.verifyEmail(this.origin, to, token));
  }

  alreadyRegistered(to: string, verifyToken: string | null): Promise<void> {
    return this.send(AuthMails.alreadyRegistered(this.origin, to, verifyToken));
  }

  passwordReset(to: string, token: string): Promise<void> {
    return this.send(AuthMails.passwordReset(this.origin, to, token));
  }

  private get origin(): string {
    return this.config.dashboardOrigins[0];
  }

  /**
   * A mail that cannot be sent must not change the answer (that would tell which branch ran,
   * e.g. whether an address is registered); the user can ask again. The log names neither the
   * address nor the server's reply, which may quote it.
   */
  private send(message: MailMessage): Promise<void> {
    return this.mail.sendBestEffort(message);
  }
}
