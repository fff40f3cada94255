import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiKeyDisplayPrefix, generateApiKey, hashApiKey } from '../src/identity/api-keys/api-key-token';
import { createApp } from '../src/app/app.factory';
import { newId } from '../src/platform/ids/ids';
import { loadConfig } from '../src/platform/config/config';
import { PrismaService } from '../src/platform/database/prisma.service';
import { hashSessionSecret, newSessionToken, SESSION_COOKIE, SessionCookieCodec } from '../src/identity/sessions/session-cookie';
import bcrypt from 'bcrypt';
import { BenchClient, median, percentile } from './http-client';

/**
 * Authentication hot path: median latency of an authenticated read (bearer key, session cookie:
 * authentication, rate limiting, one account read) against an unauthenticated baseline that makes
 * one database round trip (GET /v1/health/ready), measured in the same run, and against the cost
 * of one bcrypt verification at the configured cost. A slow hash per request would put the
 * authenticated median above one bcrypt; the targets are a ratio ≤ 6 to the baseline and an
 * authenticated request costing under a quarter of one bcrypt.
 * Runs on the embedded database unless BENCH_DATABASE_URL names a throwaway PostgreSQL database.
 */
const ROUNDS = 1500;
const TARGET_RATIO = 6;
const TARGET_BCRYPT_FRACTION = 0.25;

async function measure(client: BenchClient, path: string, headers: Record<string, string>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < ROUNDS + 100; i++) {
    const res = await client.get(path, headers);
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${res.body.slice(0, 200)}`);
    if (i >= 100) times.push(res.ms);
  }
  return times;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'didhub-bench-auth-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    DATABASE_URL: process.env.BENCH_DATABASE_URL,
    RATE_LIMIT_READ_PER_MINUTE: '1000000',
    RATE_LIMIT_ANON_PER_MINUTE: '1000000',
  });
  const { app } = await createApp(config);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const client = new BenchClient(`https://127.0.0.1:${port}`);
  try {
    const prisma = app.get(PrismaService);
    const accountId = newId('account');
    const userId = newId('user');
    await prisma.account.create({ data: { id: accountId, name: 'bench', apiKeysEnabled: true } });
    await prisma.user.create({ data: { id: userId, email: `${userId}@bench.example`, name: 'bench', emailVerifiedAt: new Date() } });
    await prisma.membership.create({ data: { id: newId('membership'), accountId, userId, role: 'owner' } });
    const key = generateApiKey();
    await prisma.apiKey.create({
      data: { id: newId('apiKey'), accountId, name: 'bench', prefix: apiKeyDisplayPrefix(key), keyHash: hashApiKey(key, config.apiKeyPepper) },
    });
    const token = newSessionToken();
    const now = Date.now();
    await prisma.session.create({
      data: {
        id: token.sessionId,
        userId,
        accountId,
        secretHash: hashSessionSecret(token.secret),
        idleExpiresAt: new Date(now + 3600_000),
        absoluteExpiresAt: new Date(now + 7200_000),
      },
    });
    const cookie = `${SESSION_COOKIE}=${new SessionCookieCodec(config.sessionSecrets).encode(token)}`;

    const hash = await bcrypt.hash('bench password 123', config.bcryptCost);
    const bcryptTimes: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = process.hrtime.bigint();
      await bcrypt.compare('bench password 123', hash);
      bcryptTimes.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    const oneBcrypt = median(bcryptTimes);
    const baseline = await measure(client, '/v1/health/ready', {});
    const bearer = await measure(client, '/v1/account', { Authorization: `Bearer ${key}` });
    const session = await measure(client, '/v1/account', { Cookie: cookie });
    const base = median(baseline);
    let failed = false;
    console.log(`auth bench (${config.databaseUrl ? 'postgresql' : 'embedded'}), ${ROUNDS} sequential requests each`);
    console.log(`  one bcrypt verify (cost ${config.bcryptCost})     ${oneBcrypt.toFixed(1)} ms`);
    console.log(`  baseline GET /v1/health/ready    median ${base.toFixed(3)} ms  p95 ${percentile(baseline, 95).toFixed(3)} ms`);
    for (const [label, times] of [['bearer key GET /v1/account', bearer], ['session GET /v1/account   ', session]] as const) {
      const ratio = median(times) / base;
      const ofBcrypt = median(times) / oneBcrypt;
      failed ||= ratio > TARGET_RATIO || ofBcrypt > TARGET_BCRYPT_FRACTION;
      console.log(
        `  ${label}  median ${median(times).toFixed(3)} ms  p95 ${percentile(times, 95).toFixed(3)} ms  ` +
          `ratio ${ratio.toFixed(2)} (target ≤ ${TARGET_RATIO})  = ${ofBcrypt.toFixed(3)} bcrypt (target < ${TARGET_BCRYPT_FRACTION})`,
      );
    }
    if (failed) process.exitCode = 1;
  } finally {
    client.close();
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
