import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../src/app/app.factory';
import { loadConfig } from '../src/platform/config/config';

/**
 * The app under test for bench/cdrs.ts, in its own process so its resident memory can be
 * sampled without the load generator's. Talks to the parent over IPC:
 * parent → {cmd:'reset-peak'|'peak'|'stop'}, child → {port} once listening, {peakRss, rss, peakHeapUsed, heapUsed} on 'peak'.
 */
const SAMPLE_MS = 5;

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'didhub-bench-cdrs-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    DATABASE_URL: process.env.BENCH_APP_DATABASE_URL,
    API_KEY_PEPPER: process.env.BENCH_API_KEY_PEPPER,
    SESSION_SECRET: 'bench-session-secret-0123456789abcdef0123456789',
    RATE_LIMIT_READ_PER_MINUTE: '1000000',
    RATE_LIMIT_ANON_PER_MINUTE: '1000000',
    RETENTION_ENABLED: 'false',
  });
  const { app } = await createApp(config);
  await app.listen(0, '127.0.0.1');
  let peak = process.memoryUsage.rss();
  let peakHeap = process.memoryUsage().heapUsed;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  }, SAMPLE_MS);

  process.on('message', (message: { cmd: string }) => {
    if (message.cmd === 'reset-peak') {
      peak = process.memoryUsage.rss();
      peakHeap = process.memoryUsage().heapUsed;
      process.send?.({ reset: true });
    } else if (message.cmd === 'peak') {
      const now = process.memoryUsage();
      peak = Math.max(peak, now.rss);
      peakHeap = Math.max(peakHeap, now.heapUsed);
      process.send?.({ peakRss: peak, rss: now.rss, peakHeapUsed: peakHeap, heapUsed: now.heapUsed });
    } else if (message.cmd === 'stop') {
      clearInterval(sampler);
      void app.close().finally(() => {
        rmSync(dataDir, { recursive: true, force: true });
        process.exit(0);
      });
    }
  });
  process.send?.({ port: (app.getHttpServer().address() as AddressInfo).port });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
