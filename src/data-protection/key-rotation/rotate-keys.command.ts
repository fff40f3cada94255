import { EncryptionService } from '../../platform/crypto/encryption.service';
import { KeyRotationRepository } from './key-rotation.repository';
import { KeyRotationService, type FieldRotationResult } from './key-rotation.service';
import { loadConfigFromProcess } from '../../platform/config/config';
import { openDatabase } from '../../platform/database/database';
import { PrismaService } from '../../platform/database/prisma.service';

const USAGE = 'usage: rotate-keys [--batch-size=N]';

/**
 * Re-encrypts every registered encrypted column under the first key of ENCRYPTION_KEYS.
 * Deploy the new key list to every instance first, so nothing keeps writing under the old key;
 * remove the old key only after a run that reports nothing left. Safe to interrupt and rerun.
 */
async function main(): Promise<void> {
  const batchSize = parseBatchSize(process.argv.slice(2));
  const config = loadConfigFromProcess();
  const encryption = new EncryptionService(config);
  // Migrations are the deploy's job; rotating must not change the schema as a side effect.
  const prisma = new PrismaService(await openDatabase(config));
  try {
    const rotation = new KeyRotationService(encryption, new KeyRotationRepository(prisma));
    console.log(`Re-encrypting under key "${encryption.currentKeyId}" in batches of ${batchSize}.`);
    const results = await rotation.rotate({
      batchSize,
      onProgress: (p) => console.log(`field ${p.field}: ${p.rotated}/${p.total} rotated`),
    });
    report(results);
  } finally {
    await prisma.onModuleDestroy();
  }
}

function report(results: FieldRotationResult[]): void {
  if (results.length === 0) console.log('No encrypted fields are registered.');
  for (const r of results) {
    const extra = [
      r.changedConcurrently ? `${r.changedConcurrently} changed meanwhile (rerun to check)` : '',
      r.failed ? `${r.failed} FAILED to decrypt (rows ${r.failedRowIds.join(', ')}${r.failed > r.failedRowIds.length ? ', ...' : ''})` : '',
    ].filter(Boolean);
    console.log(`field ${r.field}: done, ${r.rotated} rotated of ${r.scanned} scanned${extra.length ? `; ${extra.join('; ')}` : ''}`);
  }
  const failed = results.reduce((sum, r) => sum + r.failed, 0);
  if (failed > 0) {
    console.error(`${failed} value(s) could not be decrypted; keep the old keys until they are dealt with.`);
    process.exitCode = 1;
  }
}

function parseBatchSize(args: string[]): number {
  let batchSize = 500;
  for (const arg of args) {
    const match = /^--batch-size=(\d+)$/.exec(arg);
    if (!match) throw new Error(USAGE);
    batchSize = Number(match[1]);
  }
  return batchSize;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
