import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { newId } from '../../src/common/ids/ids';
import type { TestApp } from './test-app';

const DAY = 24 * 3600 * 1000;

export const daysAgo = (days: number): Date => new Date(Date.now() - days * DAY);
export const yearsAgo = (years: number): Date => {
  const at = new Date();
  at.setUTCFullYear(at.getUTCFullYear() - years);
  return at;
};

/** A number nobody else in the database uses, so a search for it means something. */
export function uniqueNumber(prefix = '+4930'): string {
  return `${prefix}${parseInt(randomBytes(4).toString('hex'), 16).toString().padStart(10, '0').slice(0, 9)}`;
}

export async function seedLoginAttempt(t: TestApp, userId: string | null, ageDays: number): Promise<string> {
  const id = newId('loginAttempt');
  await t.prisma.loginAttempt.create({
    data: { id, userId, success: false, method: 'password', failureReason: 'invalid_password', ip: '203.0.113.7', createdAt: daysAgo(ageDays) },
  });
  return id;
}

export async function seedSession(
  t: TestApp,
  user: { userId: string; accountId: string },
  dead: { revokedDaysAgo?: number; idleExpiredDaysAgo?: number } = {},
): Promise<string> {
  const id = newId('session');
  const future = new Date(Date.now() + DAY);
  await t.prisma.session.create({
    data: {
      id,
      userId: user.userId,
      accountId: user.accountId,
      secretHash: randomBytes(32).toString('hex'),
      idleExpiresAt: dead.idleExpiredDaysAgo !== undefined ? daysAgo(dead.idleExpiredDaysAgo) : future,
      absoluteExpiresAt: future,
      revokedAt: dead.revokedDaysAgo !== undefined ? daysAgo(dead.revokedDaysAgo) : null,
      ip: '203.0.113.9',
    },
  });
  return id;
}

export async function seedEmailToken(
  t: TestApp,
  fields: { userId?: string; accountId?: string; email?: string; expiresDaysAgo?: number; usedDaysAgo?: number; purpose?: string },
): Promise<string> {
  const id = newId('emailToken');
  await t.prisma.emailToken.create({
    data: {
      id,
      purpose: fields.purpose ?? 'verify_email',
      tokenHash: randomBytes(32).toString('hex'),
      userId: fields.userId ?? null,
      accountId: fields.accountId ?? null,
      email: fields.email ?? null,
      expiresAt: fields.expiresDaysAgo !== undefined ? daysAgo(fields.expiresDaysAgo) : new Date(Date.now() + DAY),
      usedAt: fields.usedDaysAgo !== undefined ? daysAgo(fields.usedDaysAgo) : null,
    },
  });
  return id;
}

export async function seedMfaChallenge(t: TestApp, userId: string, expiresDaysAgo: number, lockedForMs = 0): Promise<string> {
  const id = `mfc_${randomBytes(11).toString('hex')}`;
  await t.prisma.mfaChallenge.create({
    data: {
      id,
      userId,
      tokenHash: randomBytes(32).toString('hex'),
      method: 'password',
      expiresAt: daysAgo(expiresDaysAgo),
      lockedUntil: lockedForMs ? new Date(Date.now() + lockedForMs) : null,
    },
  });
  return id;
}

export async function seedIdempotencyRecord(t: TestApp, accountId: string, expiredHoursAgo: number, body = '{}'): Promise<string> {
  const id = newId('idempotency');
  await t.prisma.idempotencyRecord.create({
    data: {
      id,
      accountId,
      key: randomBytes(8).toString('hex'),
      method: 'POST',
      path: '/v1/account/members',
      requestHash: randomBytes(16).toString('hex'),
      state: 'completed',
      responseStatus: 201,
      responseBody: Buffer.from(body),
      lockedUntil: new Date(),
      createdAt: new Date(Date.now() - (expiredHoursAgo + 24) * 3600_000),
      expiresAt: new Date(Date.now() - expiredHoursAgo * 3600_000),
    },
  });
  return id;
}

export async function seedCdr(t: TestApp, accountId: string, startedAt: Date, numbers: { from?: string; to?: string } = {}): Promise<string> {
  const id = newId('cdr');
  await t.prisma.cdr.create({
    data: {
      id,
      accountId,
      externalId: `sw-${randomBytes(6).toString('hex')}`,
      direction: 'inbound',
      fromNumber: numbers.from ?? uniqueNumber(),
      toNumber: numbers.to ?? uniqueNumber('+4420'),
      startedAt,
      answeredAt: new Date(startedAt.getTime() + 3000),
      endedAt: new Date(startedAt.getTime() + 93_000),
      durationSeconds: 93,
      billableSeconds: 90,
      status: 'answered',
      cost: '0.125000',
      currency: 'EUR',
    },
  });
  return id;
}

export async function seedInvoice(t: TestApp, accountId: string, jurisdiction: string, issuedAt: Date): Promise<string> {
  const id = newId('invoice');
  await t.prisma.invoice.create({
    data: { id, accountId, periodStart: issuedAt, periodEnd: issuedAt, amount: '10.00', currency: 'EUR', jurisdiction, issuedAt },
  });
  return id;
}

/**
 * Every piece of text the database holds: `pg_dump --data-only` on PostgreSQL when the tool is
 * installed, else every row of every table as text (bytea columns decoded as well).
 */
export async function databaseText(t: TestApp): Promise<string> {
  if (t.config.databaseUrl && hasPgDump()) {
    return execFileSync('pg_dump', ['--data-only', '--no-owner', t.config.databaseUrl], { maxBuffer: 512 * 1024 * 1024 }).toString('utf8');
  }
  const tables = await t.prisma.$queryRawUnsafe<{ table_name: string }[]>(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
  );
  const parts: string[] = [];
  for (const { table_name: table } of tables) {
    const rows = await t.prisma.$queryRawUnsafe<{ row: string }[]>(`SELECT t::text AS row FROM "${table}" t`);
    parts.push(...rows.map((r) => r.row));
  }
  return parts.join('\n');
}

let pgDump: boolean | null = null;
function hasPgDump(): boolean {
  if (pgDump === null) {
    try {
      execFileSync('pg_dump', ['--version'], { stdio: 'ignore' });
      pgDump = true;
    } catch {
      pgDump = false;
    }
  }
  return pgDump;
}

/** True when `needle` occurs in `text` as is, or hex-encoded (how bytea columns are dumped). */
export function textContains(text: string, needle: string): boolean {
  const lower = text.toLowerCase();
  return lower.includes(needle.toLowerCase()) || lower.includes(Buffer.from(needle, 'utf8').toString('hex'));
}
