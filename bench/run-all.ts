import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** `npm run bench`: every benchmark in turn, each in its own process; fails if any missed its target. */
const BENCHES = ['auth', 'cdrs', 'http'];

let failed = false;
for (const name of BENCHES) {
  const script = join(__dirname, `${name}.js`);
  if (!existsSync(script)) continue;
  console.log(`\n== bench ${name} ==`);
  const result = spawnSync(process.execPath, [script], { stdio: 'inherit', env: process.env });
  if (result.status !== 0) {
    console.error(`bench ${name} failed (exit ${result.status ?? result.signal})`);
    failed = true;
  }
}
process.exitCode = failed ? 1 : 0;
