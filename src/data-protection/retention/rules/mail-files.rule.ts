import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../../../platform/config/config.module';
import type { AppConfig } from '../../../platform/config/config.types';
import { purgeMailFiles } from '../../../platform/mail/mail-files';
import type { RetentionRule, RuleContext } from '../retention-context';
import { daysBefore, RETENTION_DEFAULTS } from '../retention-policy';

/**
 * Mail the file transport wrote (development, or MAIL_TRANSPORT=file): nothing delivers or
 * deletes those files, and they carry addresses, tokens and account names — deleted after a week.
 */
@Injectable()
export class MailFilesRule implements RetentionRule {
  readonly name = 'mail_files';

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async run(ctx: RuleContext): Promise<void> {
    ctx.add(this.name, await purgeMailFiles(this.config.mailDir, daysBefore(ctx.now, RETENTION_DEFAULTS.mailFileDays), ctx.dryRun));
    ctx.progress(this.name, 'done');
  }
}
