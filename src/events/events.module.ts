import { Module } from '@nestjs/common';
import { EventPublisher } from './events/event-publisher';
import { EventsController } from './events/events.controller';
import { EventsRepository } from './events/events.repository';
import { EventsService } from './events/events.service';
import { DeliveryResume } from './webhook-deliveries/delivery-resume';
import { WebhookDeliveriesController } from './webhook-deliveries/webhook-deliveries.controller';
import { WebhookDeliveriesRepository } from './webhook-deliveries/webhook-deliveries.repository';
import { WebhookDeliveriesService } from './webhook-deliveries/webhook-deliveries.service';
import { WebhookFanout } from './webhook-deliveries/webhook-fanout';
import { WebhookEndpointHooks } from './webhook-endpoints/webhook-endpoint-hooks';
import { WebhookEndpointsController } from './webhook-endpoints/webhook-endpoints.controller';
import { WebhookEndpointsRepository } from './webhook-endpoints/webhook-endpoints.repository';
import { WebhookEndpointsService } from './webhook-endpoints/webhook-endpoints.service';

/**
 * Events (`/v1/events`), webhook endpoints, deliveries and attempts. Features that change state
 * import this module for the EventPublisher port and publish inside their own transaction; the
 * delivery worker is WebhookWorkerModule (the API process only, not the operator commands).
 */
@Module({
  controllers: [EventsController, WebhookEndpointsController, WebhookDeliveriesController],
  providers: [
    EventsRepository,
    EventsService,
    WebhookEndpointsRepository,
    WebhookEndpointsService,
    WebhookDeliveriesRepository,
    WebhookDeliveriesService,
    WebhookFanout,
    { provide: EventPublisher, useExisting: WebhookFanout },
    { provide: WebhookEndpointHooks, useClass: DeliveryResume },
  ],
  // The worker's dependencies too: WebhookWorkerModule runs it in the API process only.
  exports: [EventPublisher, EventsService, WebhookEndpointsService, WebhookDeliveriesRepository, WebhookFanout],
})
export class EventsModule {}
