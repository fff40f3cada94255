import { loadConfigFromProcess } from '../config/config';
import { openDatabase } from './database';
import { migrationStatus } from './migration-runner';

/** Prints the migration state; exits 1 when anything is pending, failed, edited or missing. */
async function main(): Promise<void> {
  const handle = await openDatabase(loadConfigFromProcess());
  try {
    const status = await migrationStatus(handle);
    const sections: [string, string[]][] = [
      ['Applied', status.applied],
      ['Pending', status.pending],
      ['Failed', status.failed],
      ['Edited since applied', status.edited],
      ['Applied but missing from prisma/migrations', status.missingFromDirectory],
    ];
    for (const [title, names] of sections) {
      if (names.length || title === 'Applied' || title === 'Pending') {
        console.log(`${title} (${names.length}):${names.map((n) => `\n  ${n}`).join('')}`);
      }
    }
    const upToDate = !status.pending.length && !status.failed.length && !status.edited.length && !status.missingFromDirectory.length;
    console.log(upToDate ? 'Database is up to date.' : 'Database is NOT up to date.');
    if (!upToDate) process.exitCode = 1;
  } finally {
    await handle.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
