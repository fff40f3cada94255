import { Injectable } from '@nestjs/common';
import type { Prisma } from '../../generated/prisma/client';
import { PrismaService } from '../../platform/database/prisma.service';
import { newId } from '../../platform/ids/ids';

export type DeliveryTx = Prisma.TransactionClient;

/** A delivery taken by this instance; `lockedUntil` is its lease and proves it still holds it. */
export interface ClaimedDelivery {
  id: string;
  endpointId: string;
  eventId: string;
  attempts: number;
  lockedUntil: Date;
}

export interface AttemptRow {
  id: string;
  deliveryId: string;
  eventId: string;
  attemptedAt: Date;
  statusCode: number | null;
  latencyMs: number;
  errorClass: string | null;
}

const ATTEMPT_SELECT = {
  id: true,
  deliveryId: true,
  eventId: true,
  attemptedAt: true,
  statusCode: true,
  latencyMs: true,
  errorClass: true,
} as const satisfies Prisma.WebhookAttemptSelect;

@Injectable()
export class WebhookDeliveriesRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The plain client, for reads outside a transaction. */
  reader(): DeliveryTx {
    return this.prisma;
  }

  transaction<T>(fn: (tx: DeliveryTx) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(fn);
  }

  /** One delivery per endpoint, in the event's transaction; a disabled endpoint's waits (paused) for re-enabling. */
  async enqueue(tx: DeliveryTx, eventId: string, endpoints: { id: string; enabled: boolean }[]): Promise<void> {
    await tx.webhookDelivery.createMany({
      data: endpoints.map((e) => ({ id: newId('webhookDelivery'), endpointId: e.id, eventId, status: e.enabled ? 'pending' : 'paused' })),
      skipDuplicates: true,
    });
  }

  /**
   * Takes up to `limit` due deliveries for `leaseSeconds`. SKIP LOCKED lets several instances
   * claim side by side without waiting on or taking each other's rows; the lease lets another
   * instance take over a delivery whose holder died mid-attempt.
   */
  claim(limit: number, leaseSeconds: number): Promise<ClaimedDelivery[]> {
    return this.prisma.$queryRaw<ClaimedDelivery[]>`
      UPDATE webhook_deliveries d
         SET locked_until = now() + make_interval(secs => ${leaseSeconds}), attempts = d.attempts + 1, updated_at = now()
       WHERE d.id IN (
         SELECT id FROM webhook_deliveries
          WHERE status = 'pending' AND next_attempt_at <= now() AND (locked_until IS NULL OR locked_until < now())
          ORDER BY next_attempt_at
          LIMIT ${limit}
          FOR UPDATE SKIP LOCKED)
      RETURNING d.id, d.endpoint_id AS "endpointId", d.event_id AS "eventId", d.attempts, d.locked_until AS "lockedUntil"`;
  }

  /** Records the attempt and the delivery's next state, if this instance still holds the lease. */
  async finish(
    claimed: ClaimedDelivery,
    attempt: { statusCode: number | null; latencyMs: number; errorClass: string | null; at: Date },
    next: { status: 'succeeded' | 'failed' | 'pending' | 'paused'; nextAttemptAt?: Date; uncountAttempt?: boolean },
    db: DeliveryTx = this.prisma,
  ): Promise<boolean> {
    const { count } = await db.webhookDelivery.updateMany({
      where: { id: claimed.id, lockedUntil: claimed.lockedUntil },
      data: {
        status: next.status,
        lockedUntil: null,
        ...(next.nextAttemptAt ? { nextAttemptAt: next.nextAttemptAt } : {}),
        ...(next.uncountAttempt ? { attempts: { decrement: 1 } } : {}),
      },
    });
    if (count === 1 && !next.uncountAttempt) {
      await db.webhookAttempt.create({
        data: {
          id: newId('webhookAttempt'),
          deliveryId: claimed.id,
          endpointId: claimed.endpointId,
          eventId: claimed.eventId,
          attemptedAt: attempt.at,
          statusCode: attempt.statusCode,
          latencyMs: attempt.latencyMs,
          errorClass: attempt.errorClass,
        },
      });
    }
    return count === 1;
  }

  /** Everything still owed to a disabled endpoint waits for it (pending → paused). */
  async pauseEndpoint(tx: DeliveryTx, endpointId: string): Promise<void> {
    await tx.webhookDelivery.updateMany({ where: { endpointId, status: 'pending' }, data: { status: 'paused' } });
  }

  /** Re-enabled: what it missed is due now, with a fresh retry schedule. */
  async resumeEndpoint(tx: DeliveryTx, endpointId: string): Promise<number> {
    const { count } = await tx.webhookDelivery.updateMany({
      where: { endpointId, status: 'paused' },
      data: { status: 'pending', nextAttemptAt: new Date(), attempts: 0 },
    });
    return count;
  }

  /**
   * (Re)queues each event for the endpoint, due now with a fresh schedule, whatever its
   * delivery's state (a redelivery or replay); an attempt in flight finishes first (its lease).
   */
  async requeue(endpointId: string, eventIds: string[], enabled: boolean): Promise<number> {
    if (!eventIds.length) return 0;
    const status = enabled ? 'pending' : 'paused';
    const ids = eventIds.map(() => newId('webhookDelivery'));
    return this.prisma.$executeRaw`
      INSERT INTO webhook_deliveries (id, endpoint_id, event_id, status, attempts, next_attempt_at, created_at, updated_at)
      SELECT id, ${endpointId}, event_id, ${status}, 0, now(), now(), now()
        FROM unnest(${ids}::text[], ${eventIds}::text[]) AS t(id, event_id)
      ON CONFLICT (endpoint_id, event_id)
      DO UPDATE SET status = EXCLUDED.status, attempts = 0, next_attempt_at = now(), updated_at = now()`;
  }

  /** The endpoint's attempts, newest first: the (endpoint_id, attempted_at desc, id desc) index. */
  attempts(endpointId: string, after: { at: Date; id: string } | null, take: number): Promise<AttemptRow[]> {
    return this.prisma.webhookAttempt.findMany({
      where: {
        endpointId,
        ...(after ? { OR: [{ attemptedAt: { lt: after.at } }, { attemptedAt: after.at, id: { lt: after.id } }] } : {}),
      },
      orderBy: [{ attemptedAt: 'desc' }, { id: 'desc' }],
      take,
      select: ATTEMPT_SELECT,
    });
  }
}
