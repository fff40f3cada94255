import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma/prisma.service';

export interface NewMfaChallenge {
  id: string;
  userId: string;
  accountId: string | null;
  tokenHash: string;
  method: string;
  expiresAt: Date;
}

const CHALLENGE_SELECT = {
  id: true,
  userId: true,
  accountId: true,
  method: true,
  failedCount: true,
  lockedUntil: true,
  expiresAt: true,
  usedAt: true,
} as const;

export interface MfaChallengeRow {
  id: string;
  userId: string;
  accountId: string | null;
  method: string;
  failedCount: number;
  lockedUntil: Date | null;
  expiresAt: Date;
  usedAt: Date | null;
}

@Injectable()
export class MfaChallengeRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(challenge: NewMfaChallenge): Promise<void> {
    await this.prisma.mfaChallenge.create({ data: challenge });
  }

  findByTokenHash(tokenHash: string): Promise<MfaChallengeRow | null> {
    return this.prisma.mfaChallenge.findUnique({ where: { tokenHash }, select: CHALLENGE_SELECT });
  }

  /** The latest lock on any of the user's challenges still in force: signing in again does not reset guesses. */
  async userLockedUntil(userId: string, now: Date): Promise<Date | null> {
    const row = await this.prisma.mfaChallenge.findFirst({
      where: { userId, lockedUntil: { gt: now } },
      orderBy: { lockedUntil: 'desc' },
      select: { lockedUntil: true },
    });
    return row?.lockedUntil ?? null;
  }

  /**
   * Takes one guess from the challenge's budget before the code is checked, so parallel
   * guesses cannot overrun it. False when the challenge is used, expired, locked or spent.
   */
  async reserveAttempt(id: string, now: Date, maxAttempts: number): Promise<boolean> {
    const { count } = await this.prisma.mfaChallenge.updateMany({
      where: { id, usedAt: null, lockedUntil: null, expiresAt: { gt: now }, failedCount: { lt: maxAttempts } },
      data: { failedCount: { increment: 1 } },
    });
    return count === 1;
  }

  async failedCount(id: string): Promise<number> {
    const row = await this.prisma.mfaChallenge.findUnique({ where: { id }, select: { failedCount: true } });
    return row?.failedCount ?? 0;
  }

  async lock(id: string, until: Date): Promise<void> {
    await this.prisma.mfaChallenge.updateMany({ where: { id, lockedUntil: null }, data: { lockedUntil: until } });
  }

  /** Single use: only the first caller to flip used_at wins. */
  async markUsed(id: string, now: Date): Promise<boolean> {
    const { count } = await this.prisma.mfaChallenge.updateMany({
      where: { id, usedAt: null, lockedUntil: null, expiresAt: { gt: now } },
      data: { usedAt: now },
    });
    return count === 1;
  }
}
