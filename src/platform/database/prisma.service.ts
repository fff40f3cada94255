import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { PrismaClient } from '../../generated/prisma/client';
import type { DatabaseHandle } from './database';

export const DATABASE_HANDLE = Symbol('DATABASE_HANDLE');

/** The Prisma client over the one opened database; closing the app closes the pool or PGlite. */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleDestroy {
  /** The opened database, for what Prisma cannot do (e.g. COPY streaming); repositories only. */
  constructor(@Inject(DATABASE_HANDLE) readonly database: DatabaseHandle) {
    super({
      adapter: database.clientAdapter(),
      // Transactions here are short, but under load they may queue for a pool connection or a
      // row lock (account-level member changes); Prisma's 2 s / 5 s defaults would turn that into 500s.
      transactionOptions: { maxWait: 10_000, timeout: 15_000 },
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
    await this.database.close();
  }
}
