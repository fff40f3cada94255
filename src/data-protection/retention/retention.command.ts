import 'reflect-metadata';
import { type DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommonModule } from '../../platform/platform.module';
import { EncryptionModule } from '../../platform/crypto/encryption.module';
import { createLogger } from '../../platform/logging/logger';
import { loadConfigFromProcess } from '../../platform/config/config';
import { ConfigModule } from '../../platform/config/config.module';
import { LoggingModule } from '../../platform/logging/logging.module';
import type { AppConfig } from '../../platform/config/config.types';
import { PrismaModule } from '../../platform/database/prisma.module';
import { RetentionModule } from './retention.module';
import { RetentionService } from './retention.service';

const USAGE = 'usage: npm run retention -- [--dry-run] [--batch-size=N]';

@Module({})
class RetentionCliModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: RetentionCliModule,
      // Migrations are the deploy's job; a retention run must not change the schema.
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(createLogger(config)),
        PrismaModule.forRoot({ migrate: false }),
        CommonModule,
        EncryptionModule,
        RetentionModule,
      ],
    };
  }
}

/**
 * The retention job once, now: a progress line per rule on stdout, the run's id and counts at
 * the end. Another runner holding the lock (an instance's schedule, another CLI) is not an
 * error: it says so and exits 0. A run that fails exits 1; rerunning continues where it stopped.
 */
async function main(): Promise<void> {
  const { dryRun, batchSize } = parseArgs(process.argv.slice(2));
  const loaded = loadConfigFromProcess();
  // This process only runs the job once: never the schedule. Logs stay quiet unless asked for.
  const config: AppConfig = { ...loaded, logLevel: loaded.logLevel === 'info' ? 'warn' : loaded.logLevel, retention: { ...loaded.retention, enabled: false } };
  const app = await NestFactory.createApplicationContext(RetentionCliModule.forRoot(config), { logger: false, abortOnError: false });
  try {
    console.log(`Retention ${dryRun ? 'dry run (nothing will change)' : 'run'} in batches of ${batchSize ?? config.retention.batchSize}.`);
    const run = await app.get(RetentionService).run('cli', {
      dryRun,
      batchSize,
      onRuleDone: (rule, counts) => console.log(`${rule.padEnd(28)} ${formatCounts(counts)}`),
    });
    if (!run) {
      console.log('A retention run is already in progress (this or another instance); nothing to do.');
      return;
    }
    console.log(`Run ${run.id} ${run.status}: ${formatCounts(run.counts)}${run.error ? ` — ${run.error}` : ''}`);
    if (run.status !== 'completed') process.exitCode = 1;
  } finally {
    await app.close();
  }
}

function formatCounts(counts: Record<string, number>): string {
  return Object.entries(counts)
    .map(([key, n]) => `${key}=${n}`)
    .join(' ');
}

function parseArgs(args: string[]): { dryRun: boolean; batchSize?: number } {
  let dryRun = false;
  let batchSize: number | undefined;
  for (const arg of args) {
    const match = /^--batch-size=(\d+)$/.exec(arg);
    if (arg === '--dry-run') dryRun = true;
    else if (match && Number(match[1]) >= 1 && Number(match[1]) <= 100_000) batchSize = Number(match[1]);
    else throw new Error(USAGE);
  }
  return { dryRun, batchSize };
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
