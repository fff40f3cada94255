import type { EventTx } from './events.repository';
import type { NewEvent } from './event-types';

export type { EventTx } from './events.repository';
export type { NewEvent } from './event-types';

/**
 * The port every feature calls when a state change happens, with the transaction of that change:
 * the event (and the webhook deliveries it owes) commit with the change or not at all.
 *
 *   await this.events.publish(tx, { type: 'number.released', accountId, resourceId: id, data: {...} });
 */
export abstract class EventPublisher {
  abstract publish(tx: EventTx, event: NewEvent): Promise<void>;
}
