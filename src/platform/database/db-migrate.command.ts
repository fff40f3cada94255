import { loadConfigFromProcess } from '../config/config';
import { openDatabase } from './database';
import { applyMigrations } from './migration-runner';

/** Applies pending migrations to the configured database (what start-up does, without the app). */
async function main(): Promise<void> {
  const handle = await openDatabase(loadConfigFromProcess());
  try {
    const applied = await applyMigrations(handle);
    console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'No pending migrations.');
  } finally {
    await handle.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
