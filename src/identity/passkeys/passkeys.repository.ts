import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../platform/database/prisma.service';

export type ChallengePurpose = 'registration' | 'sign_in' | 'second_factor' | 'step_up';

const PASSKEY_SELECT = {
  id: true,
  userId: true,
  credentialId: true,
  publicKey: true,
  counter: true,
  transports: true,
  name: true,
  deviceType: true,
  backedUp: true,
  lastUsedAt: true,
  createdAt: true,
} as const;

export interface PasskeyRow {
  id: string;
  userId: string;
  credentialId: string;
  publicKey: Uint8Array;
  counter: bigint;
  transports: string[];
  name: string;
  deviceType: string;
  backedUp: boolean;
  lastUsedAt: Date | null;
  createdAt: Date;
}

export interface NewPasskey {
  id: string;
  userId: string;
  credentialId: string;
  publicKey: Uint8Array;
  counter: number;
  transports: string[];
  name: string;
  deviceType: string;
  backedUp: boolean;
}

export interface NewChallenge {
  id: string;
  challengeHash: string;
  purpose: ChallengePurpose;
  userId: string | null;
  expiresAt: Date;
}

/** The passkeys and webauthn_challenges tables. */
@Injectable()
export class PasskeysRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Who registers: the name and address a passkey provider shows next to it. */
  findUser(userId: string): Promise<{ id: string; email: string; name: string } | null> {
    return this.prisma.user.findUnique({ where: { id: userId }, select: { id: true, email: true, name: true } });
  }

  async createChallenge(challenge: NewChallenge): Promise<void> {
    await this.prisma.webauthnChallenge.create({ data: challenge });
  }

  /**
   * Spends a challenge: only the first caller flips used_at, and only while it is live and was
   * issued for this purpose (and user, when it names one). The user it was issued for, or
   * undefined when it is unknown, used, expired or for something else.
   */
  async consumeChallenge(challengeHash: string, purpose: ChallengePurpose, now: Date): Promise<{ userId: string | null } | undefined> {
    const rows = await this.prisma.webauthnChallenge.updateManyAndReturn({
      where: { challengeHash, purpose, usedAt: null, expiresAt: { gt: now } },
      data: { usedAt: now },
      select: { userId: true },
    });
    return rows[0];
  }

  async create(passkey: NewPasskey): Promise<PasskeyRow> {
    return this.prisma.passkey.create({
      data: { ...passkey, publicKey: Buffer.from(passkey.publicKey), counter: BigInt(passkey.counter) },
      select: PASSKEY_SELECT,
    });
  }

  findByCredentialId(credentialId: string): Promise<PasskeyRow | null> {
    return this.prisma.passkey.findUnique({ where: { credentialId }, select: PASSKEY_SELECT });
  }

  listForUser(userId: string): Promise<PasskeyRow[]> {
    return this.prisma.passkey.findMany({ where: { userId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], select: PASSKEY_SELECT });
  }

  async countForUser(userId: string): Promise<number> {
    return this.prisma.passkey.count({ where: { userId } });
  }

  /** Passkeys per user, for member lists and the policy report (users without one are absent). */
  async countByUsers(userIds: string[]): Promise<Map<string, number>> {
    if (!userIds.length) return new Map();
    const rows = await this.prisma.passkey.groupBy({ by: ['userId'], where: { userId: { in: userIds } }, _count: { _all: true } });
    return new Map(rows.map((r) => [r.userId, r._count._all]));
  }

  async rename(userId: string, id: string, name: string): Promise<PasskeyRow | null> {
    const rows = await this.prisma.passkey.updateManyAndReturn({ where: { id, userId }, data: { name }, select: PASSKEY_SELECT });
    return rows[0] ?? null;
  }

  async remove(userId: string, id: string): Promise<PasskeyRow | null> {
    const rows = await this.prisma.passkey.findMany({ where: { id, userId }, select: PASSKEY_SELECT });
    if (!rows.length) return null;
    const { count } = await this.prisma.passkey.deleteMany({ where: { id, userId } });
    return count === 1 ? rows[0] : null;
  }

  async removeAllForUser(userId: string): Promise<number> {
    const { count } = await this.prisma.passkey.deleteMany({ where: { userId } });
    return count;
  }

  /**
   * Records a use. A counter of 0 (synced passkeys never count) is always accepted; a non-zero
   * counter must be above the stored one, checked in the statement so two parallel assertions
   * with the same counter (a cloned authenticator) cannot both pass.
   */
  async recordUse(id: string, newCounter: number, backedUp: boolean, now: Date): Promise<boolean> {
    const counter = BigInt(newCounter);
    const { count } = await this.prisma.passkey.updateMany({
      where: { id, ...(newCounter === 0 ? { counter: 0n } : { counter: { lt: counter } }) },
      data: { counter, backedUp, lastUsedAt: now },
    });
    return count === 1;
  }

  async purgeChallenges(before: Date, limit: number): Promise<number> {
    const stale = await this.prisma.webauthnChallenge.findMany({ where: { expiresAt: { lt: before } }, select: { id: true }, take: limit });
    if (!stale.length) return 0;
    const { count } = await this.prisma.webauthnChallenge.deleteMany({ where: { id: { in: stale.map((s) => s.id) } } });
    return count;
  }
}
