import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../platform/database/prisma.service';

export interface ThrottleKey {
  key: string;
  addressKey: string;
}

/** Failure counters behind the sign-in lock-out (see LoginThrottle in schema.prisma). */
@Injectable()
export class LoginThrottleRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The latest lock in force among `keys`, or null. */
  async lockedUntil(keys: string[], now: Date): Promise<Date | null> {
    const rows = await this.prisma.loginThrottle.findMany({
      where: { key: { in: keys }, lockedUntil: { gt: now } },
      select: { lockedUntil: true },
    });
    return rows.reduce<Date | null>((latest, r) => (!latest || r.lockedUntil! > latest ? r.lockedUntil : latest), null);
  }

  /**
   * One more failure on `key` within a window of `windowMs` (an older window, or a lock that ran
   * out, starts the count again); reaching `threshold` locks the key until `now + lockMs`.
   */
  async recordFailure(key: ThrottleKey, now: Date, windowMs: number, threshold: number, lockMs: number): Promise<void> {
    await this.prisma.loginThrottle.updateMany({
      where: {
        key: key.key,
        OR: [{ windowStartAt: { lte: new Date(now.getTime() - windowMs) } }, { lockedUntil: { lte: now } }],
      },
      data: { failures: 0, windowStartAt: now, lockedUntil: null },
    });
    const row = await this.prisma.loginThrottle.upsert({
      where: { key: key.key },
      create: { key: key.key, addressKey: key.addressKey, failures: 1, windowStartAt: now },
      update: { failures: { increment: 1 } },
      select: { failures: true },
    });
    if (row.failures >= threshold) {
      await this.prisma.loginThrottle.updateMany({
        where: { key: key.key, failures: { gte: threshold } },
        data: { failures: 0, windowStartAt: now, lockedUntil: new Date(now.getTime() + lockMs) },
      });
    }
  }

  async clear(key: string): Promise<void> {
    await this.prisma.loginThrottle.deleteMany({ where: { key } });
  }

  /** Every counter of the address (all origins): the owner proved the mailbox with a reset link. */
  async clearAddress(addressKey: string): Promise<void> {
    await this.prisma.loginThrottle.deleteMany({ where: { addressKey } });
  }
}
