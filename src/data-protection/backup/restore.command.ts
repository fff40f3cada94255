import { loadConfigFromProcess } from '../../platform/config/config';
import { restoreBackup } from './backup';
import { progressLine } from './progress';

/** `npm run restore -- <file>`: verifies the whole archive, then restores it into an empty database. */
async function main(): Promise<void> {
  const [file, ...rest] = process.argv.slice(2);
  if (!file || rest.length) throw new Error('usage: npm run restore -- <file>');
  process.umask(0o077);
  const kind = await restoreBackup(loadConfigFromProcess({ persistDevSecrets: false }), file, progressLine('restore'));
  console.log(`Restored the ${kind} backup ${file}.`);
}

main().catch((error: unknown) => {
  process.stderr.write(`restore failed: ${(error as Error)?.message ?? String(error)}\n`);
  process.exit(1);
});
