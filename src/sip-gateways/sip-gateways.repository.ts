import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma/prisma.service';

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

@Injectable()
export class SipGatewaysRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(gateway: NewSipGateway): Promise<SipGatewayRecord> {
    return this.prisma.sipGateway.create({ data: gateway, select: SIP_GATEWAY_SELECT });
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
  async update(accountId: string, id: string, change: SipGatewayChange): Promise<SipGatewayRecord | null> {
    const { count } = await this.prisma.sipGateway.updateMany({ where: { id, accountId }, data: change });
    return count ? this.find(accountId, id) : null;
  }

  async delete(accountId: string, id: string): Promise<boolean> {
    const { count } = await this.prisma.sipGateway.deleteMany({ where: { id, accountId } });
    return count > 0;
  }
}
