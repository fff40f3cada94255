import { createMigration } from './migration-runner';

/**
 * Usage: npm run db:new-migration -- <name>. Diffs prisma/migrations against
 * prisma/schema.prisma in a scratch in-memory database; needs no configured database.
 */
async function main(): Promise<void> {
  const name = process.argv.slice(2).join('_');
  if (!name) {
    console.error('usage: npm run db:new-migration -- <name>');
    process.exitCode = 2;
    return;
  }
  const created = await createMigration(name);
  console.log(created ? `Created ${created.path}` : 'schema.prisma matches the migrations; nothing to create.');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
