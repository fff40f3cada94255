import { randomBytes } from 'node:crypto';
import bcrypt from 'bcrypt';
import { apiKeyDisplayPrefix, generateApiKey, hashApiKey } from '../../src/identity/api-keys/api-key-token';
import { newId } from '../../src/platform/ids/ids';
import { hashSessionSecret, newSessionToken, SESSION_COOKIE, SessionCookieCodec } from '../../src/identity/sessions/session-cookie';
import { TEST_ORIGIN, type TestApp, type TestClient } from './test-app';

export const SEED_PASSWORD = 'correct horse battery staple';
let seedPasswordHash: string | null = null;

export interface SeededUser {
  userId: string;
  accountId: string;
  email: string;
  password: string;
}

export function uniqueEmail(tag = 'user'): string {
  return `${tag}.${randomBytes(6).toString('hex')}@example.com`;
}

/** A verified user owning (or holding `role` in) a fresh account, written straight to the database. */
export async function seedUser(
  t: TestApp,
  options: { role?: 'owner' | 'admin' | 'member'; accountId?: string; permissions?: string[]; email?: string; apiKeysEnabled?: boolean } = {},
): Promise<SeededUser> {
  seedPasswordHash ??= await bcrypt.hash(SEED_PASSWORD, 10);
  const userId = newId('user');
  const accountId = options.accountId ?? newId('account');
  const email = options.email ?? uniqueEmail();
  if (!options.accountId) {
    await t.prisma.account.create({
      data: { id: accountId, name: `Account ${accountId.slice(-6)}`, apiKeysEnabled: options.apiKeysEnabled ?? false },
    });
  }
  await t.prisma.user.create({
    data: { id: userId, email, name: 'Test User', passwordHash: seedPasswordHash, emailVerifiedAt: new Date(), defaultAccountId: accountId },
  });
  await t.prisma.membership.create({
    data: { id: newId('membership'), accountId, userId, role: options.role ?? 'owner', permissions: options.permissions ?? [] },
  });
  return { userId, accountId, email, password: SEED_PASSWORD };
}

/** A session row and its signed cookie value, as a sign-in would have produced. */
export async function seedSessionCookie(
  t: TestApp,
  user: Pick<SeededUser, 'userId' | 'accountId'>,
  authLevel: 'password' | 'mfa' = 'password',
): Promise<string> {
  const token = newSessionToken();
  const now = new Date();
  await t.prisma.session.create({
    data: {
      id: token.sessionId,
      userId: user.userId,
      accountId: user.accountId,
      secretHash: hashSessionSecret(token.secret),
      authLevel,
      idleExpiresAt: new Date(now.getTime() + t.config.sessionIdleTimeoutSeconds * 1000),
      absoluteExpiresAt: new Date(now.getTime() + t.config.sessionMaxAgeSeconds * 1000),
    },
  });
  return `${SESSION_COOKIE}=${new SessionCookieCodec(t.config.sessionSecrets).encode(token)}`;
}

/** A client that sends the session cookie and the dashboard Origin on every request. */
export async function sessionClient(t: TestApp, user: Pick<SeededUser, 'userId' | 'accountId'>): Promise<TestClient> {
  const cookie = await seedSessionCookie(t, user);
  return t.http().set('Cookie', cookie).set('Origin', TEST_ORIGIN);
}

/** An API key row for the account; returns the raw key. */
export async function seedApiKey(t: TestApp, accountId: string, scopes: string[] = ['*']): Promise<string> {
  const raw = generateApiKey();
  await t.prisma.apiKey.create({
    data: {
      id: newId('apiKey'),
      accountId,
      name: 'seeded key',
      prefix: apiKeyDisplayPrefix(raw),
      keyHash: hashApiKey(raw, t.config.apiKeyPepper),
      scopes,
    },
  });
  return raw;
}

export function bearerClient(t: TestApp, key: string): TestClient {
  return t.http().set('Authorization', `Bearer ${key}`);
}
