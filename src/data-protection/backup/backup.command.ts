import { loadConfigFromProcess } from '../../platform/config/config';
import { writeBackup } from './backup';
import { progressLine } from './progress';

/** `npm run backup -- <file>`: an encrypted, authenticated archive of the whole database under BACKUP_KEY. */
async function main(): Promise<void> {
  const [file, ...rest] = process.argv.slice(2);
  if (!file || rest.length) throw new Error('usage: npm run backup -- <file>');
  process.umask(0o077);
  const kind = await writeBackup(loadConfigFromProcess(), file, progressLine('backup'));
  console.log(`Backup of the ${kind} database written to ${file} (encrypted under BACKUP_KEY).`);
}

main().catch((error: unknown) => {
  process.stderr.write(`backup failed: ${(error as Error)?.message ?? String(error)}\n`);
  process.exit(1);
});
