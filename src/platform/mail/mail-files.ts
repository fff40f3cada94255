import { readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Deletes the file transport's `.eml` files in `mailDir` last written before `before` (they hold
 * addresses, tokens and account names that nothing delivers); returns how many were, or would
 * be (`dryRun`), deleted. A file another process removed meanwhile is not counted.
 */
export async function purgeMailFiles(mailDir: string, before: Date, dryRun: boolean): Promise<number> {
  let names: string[];
  try {
    names = await readdir(mailDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  let purged = 0;
  for (const name of names) {
    if (!name.endsWith('.eml')) continue;
    const file = join(mailDir, name);
    try {
      if ((await stat(file)).mtime >= before) continue;
      if (!dryRun) await unlink(file);
      purged++;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return purged;
}
