import { Injectable } from '@nestjs/common';
import { EventPublisher, type EventTx, type NewEvent } from '../events/event-publisher';
import { OPERATOR_EVENT_TYPES } from '../events/event-types';
import { EventsService } from '../events/events.service';
import { WebhookEndpointsService } from '../webhook-endpoints/webhook-endpoints.service';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository';

/**
 * The EventPublisher: records the event and the deliveries it owes in the caller's transaction
 * (a transactional outbox), so the worker never delivers a rolled-back change and a committed
 * one is never lost. Nothing here touches the network: the request that caused the event only
 * pays for three small statements.
 */
@Injectable()
export class WebhookFanout extends EventPublisher {
  constructor(
    private readonly events: EventsService,
    private readonly endpoints: WebhookEndpointsService,
    private readonly deliveries: WebhookDeliveriesRepository,
  ) {
    super();
  }

  async publish(tx: EventTx, event: NewEvent): Promise<void> {
    const row = await this.events.record(tx, event);
    if (event.accountId === null || OPERATOR_EVENT_TYPES.includes(event.type)) return;
    const subscribers = await this.endpoints.subscribers(tx, event.accountId, event.type);
    if (subscribers.length) await this.deliveries.enqueue(tx, row.id, subscribers);
  }
}
