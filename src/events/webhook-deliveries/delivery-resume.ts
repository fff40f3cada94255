import { Injectable } from '@nestjs/common';
import { WebhookEndpointHooks } from '../webhook-endpoints/webhook-endpoint-hooks';
import type { EndpointTx } from '../webhook-endpoints/webhook-endpoints.repository';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository';

/** Re-enabling an endpoint replays what waited for it while it was disabled. */
@Injectable()
export class DeliveryResume extends WebhookEndpointHooks {
  constructor(private readonly deliveries: WebhookDeliveriesRepository) {
    super();
  }

  async reenabled(tx: EndpointTx, endpointId: string): Promise<void> {
    await this.deliveries.resumeEndpoint(tx, endpointId);
  }
}
