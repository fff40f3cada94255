import { Module } from '@nestjs/common';
import { EventsModule } from '../events.module';
import { WebhookWorker } from './webhook-worker';

/** Delivers webhooks from this process; the API imports it, one-shot commands (retention, backup) do not. */
@Module({
  imports: [EventsModule],
  providers: [WebhookWorker],
  exports: [WebhookWorker],
})
export class WebhookWorkerModule {}
