import { existsSync } from 'node:fs';
import { CdrIngestService } from './cdr-ingest.service';
import { DEFAULT_IMPORT_BATCH, type ImportProgress, importCdrCsv } from './cdr-csv-import';
import { CdrsRepository } from './cdrs.repository';
import { loadConfigFromProcess } from '../../platform/config/config';
import { openDatabase } from '../../platform/database/database';
import { PrismaService } from '../../platform/database/prisma.service';

const USAGE = 'usage: npm run cdrs:import -- <file.csv> [--batch-size=N]';

/**
 * Operator import of a switch's CDR CSV (header row with the API's field names). The whole file
 * is validated before anything is written; then it is written in batches. Progress on stderr,
 * the summary on stdout. Rerunning after an interruption is safe (records dedupe by external_id).
 */
async function main(): Promise<void> {
  const { file, batchSize } = parseArgs(process.argv.slice(2));
  const config = loadConfigFromProcess();
  // Migrations are the deploy's job; an import must not change the schema as a side effect.
  const prisma = new PrismaService(await openDatabase(config));
  try {
    const ingest = new CdrIngestService(new CdrsRepository(prisma));
    const result = await importCdrCsv(file, ingest, { batchSize, onProgress: progressPrinter() });
    process.stderr.write('\n');
    if (!result.ok) {
      for (const p of result.problems) console.error(`${p.line === null ? 'file' : `line ${p.line}`}: ${p.message}`);
      const more = result.problemCount > result.problems.length ? ` (first ${result.problems.length} shown)` : '';
      console.error(`${result.problemCount} problem(s)${more}; nothing was imported.`);
      process.exitCode = 1;
      return;
    }
    console.log(`Imported ${result.total} row(s): ${result.inserted} new, ${result.duplicates} already present.`);
  } finally {
    await prisma.onModuleDestroy();
  }
}

function progressPrinter(): (p: ImportProgress) => void {
  const tty = process.stderr.isTTY;
  let lastPrinted = 0;
  return (p) => {
    const now = Date.now();
    if (!tty && now - lastPrinted < 2000) return;
    lastPrinted = now;
    const of = p.total === null ? '' : `/${p.total}`;
    const line = `${p.phase}: ${p.done}${of} rows, ${Math.round(p.rowsPerSecond)} rows/s`;
    process.stderr.write(tty ? `\r${line.padEnd(70)}` : `${line}\n`);
  };
}

function parseArgs(args: string[]): { file: string; batchSize: number } {
  let file: string | null = null;
  let batchSize = DEFAULT_IMPORT_BATCH;
  for (const arg of args) {
    const match = /^--batch-size=(\d+)$/.exec(arg);
    if (match) batchSize = Number(match[1]);
    else if (!arg.startsWith('--') && file === null) file = arg;
    else throw new Error(USAGE);
  }
  if (file === null || batchSize < 1 || batchSize > 10_000) throw new Error(USAGE);
  if (!existsSync(file)) throw new Error(`${file}: no such file`);
  return { file, batchSize };
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
