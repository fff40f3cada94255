import { Injectable } from '@nestjs/common';
import type { Prisma } from '../../generated/prisma/client';
import { PrismaService } from '../../platform/database/prisma.service';

export type EndpointTx = Prisma.TransactionClient;

const ENDPOINT_SELECT = {
  id: true,
  accountId: true,
  url: true,
  description: true,
  eventTypes: true,
  enabled: true,
  disabledReason: true,
  disabledAt: true,
  previousSecretExpiresAt: true,
  failingSince: true,
  warnedAt: true,
  createdAt: true,
  updatedAt: true,
} as const satisfies Prisma.WebhookEndpointSelect;

export type WebhookEndpointRecord = Prisma.WebhookEndpointGetPayload<{ select: typeof ENDPOINT_SELECT }>;

export interface EndpointSecrets {
  id: string;
  accountId: string;
  url: string;
  enabled: boolean;
  secretEnc: string;
  previousSecretEnc: string | null;
  previousSecretExpiresAt: Date | null;
  failingSince: Date | null;
  warnedAt: Date | null;
}

export interface EndpointChange {
  url?: string;
  description?: string | null;
  eventTypes?: string[];
  enabled?: boolean;
  disabledReason?: string | null;
  disabledAt?: Date | null;
  failingSince?: Date | null;
  warnedAt?: Date | null;
}

@Injectable()
export class WebhookEndpointsRepository {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(fn: (tx: EndpointTx) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(fn);
  }

  create(e: { id: string; accountId: string; url: string; description: string | null; eventTypes: string[]; enabled: boolean; secretEnc: string }) {
    return this.prisma.webhookEndpoint.create({
      data: { ...e, disabledReason: e.enabled ? null : 'user', disabledAt: e.enabled ? null : new Date() },
      select: ENDPOINT_SELECT,
    });
  }

  find(accountId: string, id: string, db: EndpointTx = this.prisma): Promise<WebhookEndpointRecord | null> {
    return db.webhookEndpoint.findFirst({ where: { id, accountId }, select: ENDPOINT_SELECT });
  }

  /** The row locked for a state change (enable/disable, rotation), in the caller's transaction. */
  async lock(tx: EndpointTx, accountId: string | null, id: string): Promise<boolean> {
    const rows = accountId
      ? await tx.$queryRaw<{ id: string }[]>`SELECT id FROM webhook_endpoints WHERE id = ${id} AND account_id = ${accountId} FOR UPDATE`
      : await tx.$queryRaw<{ id: string }[]>`SELECT id FROM webhook_endpoints WHERE id = ${id} FOR UPDATE`;
    return rows.length === 1;
  }

  list(accountId: string, take: number, after: { at: Date; id: string } | null): Promise<WebhookEndpointRecord[]> {
    return this.prisma.webhookEndpoint.findMany({
      where: { accountId, ...(after ? { OR: [{ createdAt: { lt: after.at } }, { createdAt: after.at, id: { lt: after.id } }] } : {}) },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take,
      select: ENDPOINT_SELECT,
    });
  }

  async update(tx: EndpointTx, id: string, change: EndpointChange): Promise<void> {
    await tx.webhookEndpoint.update({ where: { id }, data: change });
  }

  async rotate(tx: EndpointTx, id: string, secretEnc: string, previousSecretEnc: string | null, previousExpiresAt: Date | null): Promise<void> {
    await tx.webhookEndpoint.update({ where: { id }, data: { secretEnc, previousSecretEnc, previousSecretExpiresAt: previousExpiresAt } });
  }

  secrets(id: string, db: EndpointTx = this.prisma): Promise<EndpointSecrets | null> {
    return db.webhookEndpoint.findUnique({
      where: { id },
      select: {
        id: true,
        accountId: true,
        url: true,
        enabled: true,
        secretEnc: true,
        previousSecretEnc: true,
        previousSecretExpiresAt: true,
        failingSince: true,
        warnedAt: true,
      },
    });
  }

  /** Every endpoint of the account (their deliveries and attempts by cascade); in the caller's transaction. */
  async deleteAll(tx: EndpointTx, accountId: string): Promise<number> {
    const { count } = await tx.webhookEndpoint.deleteMany({ where: { accountId } });
    return count;
  }

  async delete(accountId: string, id: string): Promise<boolean> {
    const { count } = await this.prisma.webhookEndpoint.deleteMany({ where: { id, accountId } });
    return count > 0;
  }

  /** The account's endpoints subscribed to `type` (empty filter = all), enabled or not: the (account_id, …) index. */
  subscribers(tx: EndpointTx, accountId: string, type: string): Promise<{ id: string; enabled: boolean }[]> {
    return tx.webhookEndpoint.findMany({
      where: { accountId, OR: [{ eventTypes: { isEmpty: true } }, { eventTypes: { has: type } }] },
      select: { id: true, enabled: true },
    });
  }

  /** Success resets the failure clock (conditional: no write when it is already healthy). */
  async markHealthy(id: string): Promise<void> {
    await this.prisma.webhookEndpoint.updateMany({ where: { id, NOT: { failingSince: null } }, data: { failingSince: null, warnedAt: null } });
  }

  /** Starts the failure clock unless it runs; returns the clock. */
  async markFailing(id: string, at: Date): Promise<{ failingSince: Date | null; warnedAt: Date | null; enabled: boolean } | null> {
    await this.prisma.webhookEndpoint.updateMany({ where: { id, failingSince: null }, data: { failingSince: at } });
    return this.prisma.webhookEndpoint.findUnique({ where: { id }, select: { failingSince: true, warnedAt: true, enabled: true } });
  }

  /** Records the warning once (conditional), true for the one caller that set it. */
  async markWarned(id: string, at: Date): Promise<boolean> {
    const { count } = await this.prisma.webhookEndpoint.updateMany({ where: { id, warnedAt: null }, data: { warnedAt: at } });
    return count === 1;
  }

  /** enabled → disabled with a reason (conditional): true for the one caller that disabled it. */
  async disable(tx: EndpointTx, id: string, reason: string, at: Date): Promise<boolean> {
    const { count } = await tx.webhookEndpoint.updateMany({ where: { id, enabled: true }, data: { enabled: false, disabledReason: reason, disabledAt: at } });
    return count === 1;
  }
}
