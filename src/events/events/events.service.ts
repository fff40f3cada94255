import { Injectable } from '@nestjs/common';
import { isIdOf, newId } from '../../platform/ids/ids';
import { CursorCodec } from '../../platform/pagination/cursor';
import { type ListResponse, toListPage } from '../../platform/pagination/list';
import { EVENTS_API_VERSION, type NewEvent } from './event-types';
import { type EventResponse, toEventResponse } from './event.response';
import { EventErrors } from './events-errors';
import { type EventFilter, type EventRow, EventsRepository, type EventTx } from './events.repository';

/** How long events are kept and listed (the retention rule `events`). */
export const EVENT_RETENTION_DAYS = 30;

@Injectable()
export class EventsService {
  constructor(
    private readonly events: EventsRepository,
    private readonly cursors: CursorCodec,
  ) {}

  /** Writes the event inside the caller's transaction. */
  record(tx: EventTx, event: NewEvent): Promise<EventRow> {
    return this.events.insert(tx, { id: newId('event'), apiVersion: EVENTS_API_VERSION, ...event });
  }

  async list(accountId: string, filter: EventFilter, limit: number, cursor: string | undefined): Promise<ListResponse<EventResponse>> {
    const scope = `events:${accountId}:${JSON.stringify(filter)}`;
    const after = cursor === undefined ? null : this.cursors.decodePosition(scope, cursor);
    // Only the retention window is listed (each resource's newest event outlives it, for its sequence).
    const windowStart = new Date(Date.now() - EVENT_RETENTION_DAYS * 86_400_000);
    const createdAfter = filter.createdAfter && filter.createdAfter > windowStart ? filter.createdAfter : windowStart;
    const rows = await this.events.list(accountId, { ...filter, createdAfter }, after, limit + 1);
    return toListPage(rows, limit, toEventResponse, (row) => this.cursors.encodePosition(scope, row.createdAt, row.id));
  }

  async get(accountId: string, id: string): Promise<EventRow> {
    const row = isIdOf('event', id) ? await this.events.find(accountId, id) : null;
    if (!row) throw EventErrors.notFound();
    return row;
  }

  /** Any account's event (the delivery worker builds the body from it); null once purged. */
  findForDelivery(id: string): Promise<EventRow | null> {
    return this.events.findAny(id);
  }

  inRange(accountId: string, from: Date, to: Date, take: number): Promise<EventRow[]> {
    return this.events.inRange(accountId, from, to, take);
  }

  countExpired(now: Date): Promise<number> {
    return this.events.countBefore(new Date(now.getTime() - EVENT_RETENTION_DAYS * 86_400_000));
  }

  /** Retention: events past the window, in a batch (each resource's newest stays, see the repository). */
  purgeExpired(now: Date, limit: number): Promise<number> {
    return this.events.purgeBefore(new Date(now.getTime() - EVENT_RETENTION_DAYS * 86_400_000), limit);
  }
}
