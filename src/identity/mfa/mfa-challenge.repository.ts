import { Injectable } from '@nestjs/common';
import { randomBase62 } from '../../platform/ids/ids';
import { PrismaService } from '../../platform/database/prisma.service';

const NEVER = new Date('9999-12-31T00:00:00Z');

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

  /**
   * The user's one step-up challenge (created on first use, never handed out): its row carries
   * the wrong-code count of step-up and sensitive actions, so they lock like a sign-in does. An
   * expired lock is lifted here with a fresh budget.
   */
  async stepUpChallengeId(userId: string, tokenHash: string, now: Date): Promise<string> {
    const row = await this.prisma.mfaChallenge.upsert({
      where: { tokenHash },
      create: { id: `mfac_${randomBase62(22)}`, userId, accountId: null, tokenHash, method: 'step_up', expiresAt: NEVER },
      update: {},
      select: { id: true },
    });
    await this.prisma.mfaChallenge.updateMany({
      where: { id: row.id, lockedUntil: { lte: now } },
      data: { lockedUntil: null, failedCount: 0 },
    });
    return row.id;
  }

  /** A right code starts the count again (the step-up challenge is reused, not spent). */
  async clearFailures(id: string): Promise<void> {
    await this.prisma.mfaChallenge.updateMany({ where: { id, lockedUntil: null }, data: { failedCount: 0 } });
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
