import { Injectable } from '@nestjs/common';
import type { Prisma } from '../../generated/prisma/client';
import { PrismaService } from '../../platform/database/prisma.service';

/** A transaction handle of the caller's change; events are written inside it. */
export type EventTx = Prisma.TransactionClient;

export const EVENT_SELECT = {
  id: true,
  accountId: true,
  type: true,
  resourceId: true,
  sequence: true,
  apiVersion: true,
  data: true,
  createdAt: true,
} as const satisfies Prisma.EventSelect;

export type EventRow = Prisma.EventGetPayload<{ select: typeof EVENT_SELECT }>;

export interface EventFilter {
  types?: string[];
  resourceId?: string;
  createdAfter?: Date;
  createdBefore?: Date;
}

@Injectable()
export class EventsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Inserts the event with the next per-resource sequence. The transaction-scoped advisory lock
   * on the resource id serialises two changes of one resource, so their sequences never clash
   * (a unique violation would roll back the caller's change).
   */
  async insert(
    tx: EventTx,
    e: { id: string; accountId: string | null; type: string; resourceId: string; apiVersion: string; data: unknown },
  ): Promise<EventRow> {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`event:${e.resourceId}`}, 0))`;
    const rows = await tx.$queryRaw<{ sequence: number; created_at: Date }[]>`
      INSERT INTO events (id, account_id, type, resource_id, sequence, api_version, data, created_at)
      VALUES (${e.id}, ${e.accountId}, ${e.type}, ${e.resourceId},
              (SELECT coalesce(max(sequence), 0) + 1 FROM events WHERE resource_id = ${e.resourceId}),
              ${e.apiVersion}, ${JSON.stringify(e.data)}::jsonb, now())
      RETURNING sequence, created_at`;
    return {
      id: e.id,
      accountId: e.accountId,
      type: e.type,
      resourceId: e.resourceId,
      sequence: rows[0].sequence,
      apiVersion: e.apiVersion,
      data: e.data as Prisma.JsonValue,
      createdAt: rows[0].created_at,
    };
  }

  find(accountId: string, id: string): Promise<EventRow | null> {
    return this.prisma.event.findFirst({ where: { id, accountId }, select: EVENT_SELECT });
  }

  findAny(id: string): Promise<EventRow | null> {
    return this.prisma.event.findUnique({ where: { id }, select: EVENT_SELECT });
  }

  /** Newest first, keyset on (created_at, id): the (account_id, created_at desc, id desc) index. */
  list(accountId: string, filter: EventFilter, after: { at: Date; id: string } | null, take: number): Promise<EventRow[]> {
    return this.prisma.event.findMany({
      where: {
        accountId,
        ...(filter.types?.length ? { type: { in: filter.types } } : {}),
        ...(filter.resourceId ? { resourceId: filter.resourceId } : {}),
        createdAt: { ...(filter.createdAfter ? { gte: filter.createdAfter } : {}), ...(filter.createdBefore ? { lt: filter.createdBefore } : {}) },
        ...(after ? { OR: [{ createdAt: { lt: after.at } }, { createdAt: after.at, id: { lt: after.id } }] } : {}),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take,
      select: EVENT_SELECT,
    });
  }

  /** The account's events in a time range, oldest first (a replay), at most `take`. */
  inRange(accountId: string, from: Date, to: Date, take: number): Promise<EventRow[]> {
    return this.prisma.event.findMany({
      where: { accountId, createdAt: { gte: from, lt: to } },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take,
      select: EVENT_SELECT,
    });
  }

  async countBefore(before: Date): Promise<number> {
    const [row] = await this.prisma.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM events e
       WHERE e.created_at < ${before}
         AND EXISTS (SELECT 1 FROM events n WHERE n.resource_id = e.resource_id AND n.sequence > e.sequence)`;
    return row.n;
  }

  /**
   * Deletes up to `limit` events created before `before`, except each resource's newest one, so
   * sequences keep counting up after a quiet month instead of starting again at 1.
   */
  async purgeBefore(before: Date, limit: number): Promise<number> {
    return this.prisma.$executeRaw`
      DELETE FROM events WHERE id IN (
        SELECT e.id FROM events e
         WHERE e.created_at < ${before}
           AND EXISTS (SELECT 1 FROM events n WHERE n.resource_id = e.resource_id AND n.sequence > e.sequence)
         LIMIT ${limit})`;
  }
}
