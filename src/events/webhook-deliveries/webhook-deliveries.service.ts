import { Injectable } from '@nestjs/common';
import { CommonErrors } from '../../platform/errors/common-errors';
import { CursorCodec } from '../../platform/pagination/cursor';
import { type ListResponse, toListPage } from '../../platform/pagination/list';
import { EventsService } from '../events/events.service';
import { WebhookEndpointsService } from '../webhook-endpoints/webhook-endpoints.service';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository';
import { toWebhookAttemptResponse, type WebhookAttemptResponse } from './webhook-attempt.response';

/** Events replayed by one request at most; a longer range is replayed in several. */
export const MAX_REPLAY_EVENTS = 1000;

@Injectable()
export class WebhookDeliveriesService {
  constructor(
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly events: EventsService,
    private readonly endpoints: WebhookEndpointsService,
    private readonly cursors: CursorCodec,
  ) {}

  async attempts(accountId: string, endpointId: string, limit: number, cursor: string | undefined): Promise<ListResponse<WebhookAttemptResponse>> {
    await this.endpoints.get(accountId, endpointId);
    const scope = `webhook_attempts:${endpointId}`;
    const after = cursor === undefined ? null : this.cursors.decodePosition(scope, cursor);
    const rows = await this.deliveries.attempts(endpointId, after, limit + 1);
    return toListPage(rows, limit, toWebhookAttemptResponse, (r) => this.cursors.encodePosition(scope, r.attemptedAt, r.id));
  }

  /** Queues the event again to one endpoint, or to every endpoint subscribed to its type. */
  async redeliver(accountId: string, eventId: string, endpointId: string | undefined): Promise<number> {
    const event = await this.events.get(accountId, eventId);
    const targets = endpointId
      ? [await this.endpoints.get(accountId, endpointId)]
      : await this.endpoints.subscribers(this.deliveries.reader(), accountId, event.type);
    let queued = 0;
    for (const target of targets) queued += await this.deliveries.requeue(target.id, [event.id], target.enabled);
    return queued;
  }

  /** Queues the endpoint's events of a time range again (those its filter takes), oldest first. */
  async replay(accountId: string, endpointId: string, from: Date, to: Date): Promise<number> {
    if (!(to > from)) throw CommonErrors.invalidParam('to', 'to must be after from.');
    if (to.getTime() - from.getTime() > 31 * 86_400_000) throw CommonErrors.invalidParam('to', 'A replay covers 31 days at most.');
    const endpoint = await this.endpoints.get(accountId, endpointId);
    const events = await this.events.inRange(accountId, from, to, MAX_REPLAY_EVENTS);
    const wanted = events.filter((e) => !endpoint.eventTypes.length || endpoint.eventTypes.includes(e.type)).map((e) => e.id);
    return this.deliveries.requeue(endpoint.id, wanted, endpoint.enabled);
  }
}
