import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { newId } from '../../src/platform/ids/ids';
import type { TestApp } from './test-app';

const DAY = 24 * 3600 * 1000;

export const daysAgo = (days: number): Date => new Date(Date.now() - days * DAY);
export const yearsAgo = (years: number): Date => {
  const at = new Date();
  at.setUTCFullYear(at.getUTCFullYear() - years);
  return at;
};

/** A number nobody else in the database uses, so a search for it means something. */
/** A real-looking number of the area `prefix` (+4930 Berlin, +4989 Munich, +4420 London): 8 digits after it, starting with 7. */
export function uniqueNumber(prefix: '+4930' | '+4989' | '+4420' = '+4930'): string {
  return `${prefix}7${parseInt(randomBytes(4).toString('hex'), 16).toString().padStart(10, '0').slice(0, 7)}`;
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
      principalId: `user:${accountId}`,
      leaseToken: randomBytes(16).toString('base64url'),
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

export interface SeededCompliance {
  endUserId: string;
  bundleId: string;
  documentId: string;
  numberId: string | null;
  e164: string | null;
}

/**
 * An end-user with a document in a bundle, optionally backing a number that is active
 * (`releasedDaysAgo` undefined) or released that many days ago. `sharedDocumentId` also links
 * an existing document into the new bundle.
 */
export async function seedCompliance(
  t: TestApp,
  accountId: string,
  options: { endUserId?: string; number?: 'none' | 'active' | { releasedDaysAgo: number }; country?: string; names?: [string, string]; sharedDocumentId?: string } = {},
): Promise<SeededCompliance> {
  const endUserId = options.endUserId ?? newId('endUser');
  if (!options.endUserId) {
    await t.prisma.endUser.create({
      data: {
        id: endUserId,
        accountId,
        type: 'individual',
        firstName: options.names?.[0] ?? 'Grace',
        lastName: options.names?.[1] ?? 'Hopper',
        documentType: 'passport',
        documentNumberEnc: `v1:test1:${randomBytes(24).toString('base64url')}`,
        documentNumberLast4: '4821',
        addressStreet: '1 Example Street',
        addressCity: 'Berlin',
        addressPostalCode: '10115',
        addressCountry: 'DE',
      },
    });
  }
  const documentId = newId('document');
  await t.prisma.document.create({
    data: { id: documentId, accountId, endUserId, type: 'passport', status: 'ready', contentType: 'application/pdf', sizeBytes: 16 },
  });
  await t.prisma.documentChunk.create({ data: { id: `${documentId}.0`, documentId, seq: 0, data: new Uint8Array(randomBytes(16)) } });
  const bundleId = newId('bundle');
  const country = options.country ?? 'DE';
  await t.prisma.bundle.create({
    data: { id: bundleId, accountId, endUserId, country, numberType: 'local', status: 'approved', requirementsVersion: '2026-11-01' },
  });
  await t.prisma.bundleDocument.create({ data: { bundleId, documentId } });
  if (options.sharedDocumentId) await t.prisma.bundleDocument.create({ data: { bundleId, documentId: options.sharedDocumentId } });
  const number = options.number ?? 'none';
  if (number === 'none') return { endUserId, bundleId, documentId, numberId: null, e164: null };
  const numberId = newId('number');
  const e164 = uniqueNumber('+4989');
  const active = number === 'active';
  await t.prisma.phoneNumber.create({
    data: {
      id: numberId,
      accountId,
      e164,
      activeE164: active ? e164 : null,
      country,
      numberType: 'local',
      bundleId,
      status: active ? 'active' : 'released',
      releasedAt: active ? null : daysAgo(number.releasedDaysAgo),
    },
  });
  return { endUserId, bundleId, documentId, numberId, e164 };
}
