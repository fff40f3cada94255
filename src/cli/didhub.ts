#!/usr/bin/env node
/**
 * The operator commands as one compiled entry point: `node dist/src/cli/didhub.js <command> [args]`
 * (or the `didhub` bin, or `npm run <command> -- [args]`). Runs from a production install: no
 * TypeScript, no build step, nothing from devDependencies — the Docker image has none of them.
 * A new command: add its module here (it runs its own main() when loaded, reading
 * process.argv.slice(2)), an npm script `node dist/src/cli/didhub.js <name>`, and a case in
 * test/operator-commands.e2e-spec.ts.
 */
export const COMMANDS: Record<string, { module: string; summary: string }> = {
  'db:migrate': { module: './db-migrate.js', summary: 'apply pending migrations' },
  'db:status': { module: './db-status.js', summary: 'applied / pending / failed migrations; exit 1 unless up to date' },
  'keys:rotate': { module: './rotate-keys.js', summary: 're-encrypt every encrypted field under the first ENCRYPTION_KEYS key' },
  'cdrs:import': { module: './import-cdrs.js', summary: 'import a CSV of CDRs: cdrs:import <file.csv> [--batch-size=N]' },
  retention: { module: './retention.js', summary: 'run the retention job once: retention [--dry-run] [--batch-size=N]' },
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
    require(command.module);
  }
}
