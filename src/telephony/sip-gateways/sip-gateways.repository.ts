import { Injectable } from '@nestjs/common';
import type { Prisma } from '../../generated/prisma/client';
import { PrismaService } from '../../platform/database/prisma.service';

/** Everything a response shows; the ciphertext is selected only where the switch-facing code needs it (nowhere yet). */
const SIP_GATEWAY_SELECT = {
  id: true,
  name: true,
  host: true,
  port: true,
  transport: true,
  username: true,
  passwordUpdatedAt: true,
  createdAt: true,
  updatedAt: true,
} as const;

export interface SipGatewayRecord {
  id: string;
  name: string;
  host: string;
  port: number;
  transport: string;
  username: string;
  passwordUpdatedAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewSipGateway {
  id: string;
  accountId: string;
  name: string;
  host: string;
  port: number;
  transport: string;
  username: string;
  passwordEnc: string;
  passwordUpdatedAt: Date;
}

export type SipGatewayChange = Partial<Pick<NewSipGateway, 'name' | 'host' | 'port' | 'transport' | 'username' | 'passwordEnc' | 'passwordUpdatedAt'>>;

export interface SipGatewayPosition {
  createdAt: Date;
  id: string;
}

/** What a write needs from the account: `private_hosts` when its host is internal (see sip-gateway-host.ts). */
export type HostPermission = 'any' | 'private_hosts';

@Injectable()
export class SipGatewaysRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** 'not_allowed' (nothing written) when the host needs a permission the account does not have. */
  create(gateway: NewSipGateway, needs: HostPermission): Promise<SipGatewayRecord | 'not_allowed'> {
    return this.prisma.$transaction(async (tx) => {
      if (needs === 'private_hosts' && !(await privateHostsAllowed(tx, gateway.accountId))) return 'not_allowed';
      return tx.sipGateway.create({ data: gateway, select: SIP_GATEWAY_SELECT });
    });
  }

  find(accountId: string, id: string): Promise<SipGatewayRecord | null> {
    return this.prisma.sipGateway.findFirst({ where: { id, accountId }, select: SIP_GATEWAY_SELECT });
  }

  /** Newest first, keyset on (created_at, id) — the (account_id, created_at desc, id desc) index. */
  list(accountId: string, take: number, after: SipGatewayPosition | null): Promise<SipGatewayRecord[]> {
    return this.prisma.sipGateway.findMany({
      where: {
        accountId,
        ...(after ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] } : {}),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take,
      select: SIP_GATEWAY_SELECT,
    });
  }

  /** Scoped by account in the WHERE clause, so another account's id changes nothing; null when not found. */
  update(accountId: string, id: string, change: SipGatewayChange, needs: HostPermission): Promise<SipGatewayRecord | 'not_allowed' | null> {
    return this.prisma.$transaction(async (tx) => {
      if (needs === 'private_hosts' && !(await privateHostsAllowed(tx, accountId))) return 'not_allowed';
      const { count } = await tx.sipGateway.updateMany({ where: { id, accountId }, data: change });
      return count ? tx.sipGateway.findFirst({ where: { id, accountId }, select: SIP_GATEWAY_SELECT }) : null;
    });
  }

  async delete(accountId: string, id: string): Promise<boolean> {
    const { count } = await this.prisma.sipGateway.deleteMany({ where: { id, accountId } });
    return count > 0;
  }
}

/**
 * The operator's permission, share-locked until the write commits: the operator's PATCH (an
 * UPDATE of the account row) waits for it, and a write waits for a PATCH being committed, so a
 * gateway is never written on a permission withdrawn in the meantime.
 */
async function privateHostsAllowed(tx: Prisma.TransactionClient, accountId: string): Promise<boolean> {
  const rows = await tx.$queryRaw<{ allowed: boolean }[]>`
    SELECT sip_private_hosts_allowed AS allowed FROM accounts WHERE id = ${accountId} FOR SHARE`;
  return rows[0]?.allowed === true;
}
