#!/usr/bin/env node
/**
 * The operator commands as one compiled entry point: `node dist/src/cli/didhub.js <command> [args]`
 * (or the `didhub` bin, or `npm run <command> -- [args]`). Runs from a production install: no
 * TypeScript, no build step, nothing from devDependencies — the Docker image has none of them.
 * A new command lives in its feature's folder (`<feature>/<name>.command.ts`); add it here (it runs its own main() when loaded, reading
 * process.argv.slice(2)), an npm script `node dist/src/cli/didhub.js <name>`, and a case in
 * test/platform/operator-commands.e2e-spec.ts.
 */
export const COMMANDS: Record<string, { module: string; summary: string }> = {
  'db:migrate': { module: '../platform/database/db-migrate.command.js', summary: 'apply pending migrations' },
  'db:status': { module: '../platform/database/db-status.command.js', summary: 'applied / pending / failed migrations; exit 1 unless up to date' },
  'keys:rotate': { module: '../data-protection/key-rotation/rotate-keys.command.js', summary: 're-encrypt every encrypted field under the first ENCRYPTION_KEYS key' },
  'cdrs:import': { module: '../telephony/cdrs/import-cdrs.command.js', summary: 'import a CSV of CDRs: cdrs:import <file.csv> [--batch-size=N]' },
  backup: { module: '../data-protection/backup/backup.command.js', summary: 'write an encrypted, authenticated archive of the database: backup <file> (BACKUP_KEY)' },
  restore: { module: '../data-protection/backup/restore.command.js', summary: 'verify an archive, then restore it into an empty database: restore <file> (BACKUP_KEY)' },
  retention: { module: '../data-protection/retention/retention.command.js', summary: 'run the retention job once: retention [--dry-run] [--batch-size=N]' },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `usage: didhub <command> [args]\n\ncommands:\n${lines.join('\n')}\n`;
}

if (require.main === module) {
  const name = process.argv[2];
  const command = name === undefined ? undefined : COMMANDS[name];
  if (!command) {
    if (name !== undefined && name !== 'help' && name !== '--help') process.stderr.write(`unknown command "${name}"\n\n`);
    process.stderr.write(usage());
    process.exitCode = name === 'help' || name === '--help' ? 0 : 2;
  } else {
    // The command sees its own arguments at process.argv.slice(2), as when run directly.
    process.argv.splice(2, 1);
    // Loaded on demand, so a command loads only its own code and dependencies.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(command.module);
  }
}
