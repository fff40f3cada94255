import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import type { Logger } from 'pino';
import { APP_LOGGER } from '../../platform/logging/logger';
import { safeError } from '../../platform/logging/safe-error';
import { APP_CONFIG } from '../../platform/config/config.module';
import type { AppConfig } from '../../platform/config/config.types';
import { RetentionService } from './retention.service';

/**
 * Fires the retention run on RETENTION_CRON (UTC) in every instance; the advisory lock lets
 * one of them do the work and the others log "already running". RETENTION_ENABLED=false
 * registers nothing (tests, or a deployment that runs `npm run retention` from its own cron).
 */
@Injectable()
export class RetentionScheduler implements OnApplicationBootstrap {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(APP_LOGGER) private readonly logger: Logger,
    private readonly registry: SchedulerRegistry,
    private readonly retention: RetentionService,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.retention.enabled) {
      this.logger.info('retention schedule off (RETENTION_ENABLED=false)');
      return;
    }
    const job = CronJob.from({
      cronTime: this.config.retention.cron,
      timeZone: 'UTC',
      onTick: () => void this.tick(),
      start: false,
    });
    this.registry.addCronJob('retention', job);
    job.start();
    this.logger.info({ cron: this.config.retention.cron }, 'retention scheduled (UTC)');
  }

  private async tick(): Promise<void> {
    try {
      const run = await this.retention.run('schedule', { dryRun: false });
      if (!run) this.logger.info('retention: another instance is already running it');
    } catch (error) {
      this.logger.error({ err: safeError(error) }, 'retention run could not start');
    }
  }
}
