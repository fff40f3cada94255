import { setTimeout as sleep } from 'node:timers/promises';
import type { DatabaseHandle } from '../../src/platform/database/database';
import { openFromSnapshot } from '../../src/platform/database/pglite-snapshot';
import { hashSessionSecret, newSessionToken, SESSION_COOKIE, SessionCookieCodec } from '../../src/identity/sessions/session-cookie';
import { seedSessionCookie, seedUser } from '../support/seed';
import { startTestApp, usingPostgres, type TestApp } from '../support/test-app';

const OLD_SECRET = 'old-session-secret-0123456789abcdef0123456789';
const NEW_SECRET = 'new-session-secret-0123456789abcdef0123456789';

function sessionIdOf(cookie: string): string {
  return cookie.slice(cookie.indexOf('=') + 1).split('.')[0];
}

const get = (t: TestApp, cookie: string) => t.http().get('/v1/account').set('Cookie', cookie);

describe('a tampered session cookie', () => {
  let t: TestApp;
  let cookie: string;
  beforeAll(async () => {
    t = await startTestApp();
    cookie = await seedSessionCookie(t, await seedUser(t));
  });
  afterAll(async () => {
    await t.close();
  });

  it('is accepted untouched', async () => {
    await get(t, cookie).expect(200);
  });

  it('is refused when its signature, secret or session id is altered', async () => {
    const value = cookie.slice(cookie.indexOf('=') + 1);
    const [id, secret, signature] = value.split('.');
    const flip = (s: string) => (s.endsWith('A') ? `${s.slice(0, -1)}B` : `${s.slice(0, -1)}A`);
    for (const forged of [
      `${id}.${secret}.${flip(signature)}`,
      `${id}.${flip(secret)}.${signature}`,
      `${flip(id)}.${secret}.${signature}`,
      `${id}.${secret}`,
      'garbage',
    ]) {
      const res = await get(t, `${SESSION_COOKIE}=${forged}`).expect(401);
      expect(res.body.error.code).toBe('authentication_required');
    }
  });

  it('is refused when correctly signed but its secret does not match the stored hash', async () => {
    // Someone holding the signing key still cannot ride a session without its random secret.
    const codec = new SessionCookieCodec(t.config.sessionSecrets);
    const forged = codec.encode({ sessionId: sessionIdOf(cookie), secret: newSessionToken().secret });
    await get(t, `${SESSION_COOKIE}=${forged}`).expect(401);
  });

  it('is refused when signed with a key the server does not hold', async () => {
    const user = await seedUser(t);
    const token = newSessionToken();
    const now = Date.now();
    await t.prisma.session.create({
      data: {
        id: token.sessionId,
        userId: user.userId,
        accountId: user.accountId,
        secretHash: hashSessionSecret(token.secret),
        idleExpiresAt: new Date(now + 3_600_000),
        absoluteExpiresAt: new Date(now + 3_600_000),
      },
    });
    const foreign = new SessionCookieCodec(['someone-elses-secret-0123456789abcdef012345']).encode(token);
    await get(t, `${SESSION_COOKIE}=${foreign}`).expect(401);
    await get(t, `${SESSION_COOKIE}=${new SessionCookieCodec(t.config.sessionSecrets).encode(token)}`).expect(200);
  });
});

describe('rotating SESSION_SECRET', () => {
  let handle: DatabaseHandle | undefined;
  let before: TestApp;
  let during: TestApp;
  let after: TestApp;
  beforeAll(async () => {
    // Three deployments over one database: PostgreSQL is shared by configuration, PGlite by handle.
    if (!usingPostgres()) handle = await openFromSnapshot(process.env.DIDHUB_TEST_SNAPSHOT!);
    before = await startTestApp({ database: handle, env: { SESSION_SECRET: OLD_SECRET } });
    during = await startTestApp({ database: handle, env: { SESSION_SECRET: `${NEW_SECRET},${OLD_SECRET}` } });
    after = await startTestApp({ database: handle, env: { SESSION_SECRET: NEW_SECRET } });
  });
  afterAll(async () => {
    await after.close();
    await during.close();
    await before.close();
  });

  it('keeps accepting cookies signed with the old secret once a new one is added in front', async () => {
    const user = await seedUser(before);
    const oldCookie = await seedSessionCookie(before, user);
    await get(before, oldCookie).expect(200);
    await get(during, oldCookie).expect(200);
  });

  it('signs with the first secret, and drops the old one only when it is removed from the list', async () => {
    const user = await seedUser(during);
    const newCookie = await seedSessionCookie(during, user);
    await get(during, newCookie).expect(200);
    await get(after, newCookie).expect(200);
    await get(before, newCookie).expect(401);

    const oldCookie = await seedSessionCookie(before, user);
    await get(after, oldCookie).expect(401);
  });
});

describe('the rolling idle window (SESSION_IDLE_TIMEOUT=2)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { SESSION_IDLE_TIMEOUT: '2' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('ends a session left unused for longer than the window', async () => {
    const cookie = await seedSessionCookie(t, await seedUser(t));
    await get(t, cookie).expect(200);
    await sleep(2_300);
    await get(t, cookie).expect(401);
  });

  it('keeps a session in use alive well past the window', async () => {
    const cookie = await seedSessionCookie(t, await seedUser(t));
    const started = Date.now();
    while (Date.now() - started < 4_500) {
      await get(t, cookie).expect(200);
      await sleep(500);
    }
    await get(t, cookie).expect(200);
  });

  it('refreshes the window at most once per tenth of it (200 ms here)', async () => {
    const cookie = await seedSessionCookie(t, await seedUser(t));
    const id = sessionIdOf(cookie);
    await sleep(300);
    const started = Date.now();
    const written = new Set<number>();
    for (let i = 0; i < 10; i += 1) {
      await get(t, cookie).expect(200);
      written.add((await t.prisma.session.findUniqueOrThrow({ where: { id } })).lastActiveAt.getTime());
    }
    const elapsed = Date.now() - started;
    expect(written.size).toBeGreaterThanOrEqual(1);
    // One write per started 200 ms interval at most, however fast or slow this machine is.
    expect(written.size).toBeLessThanOrEqual(Math.floor(elapsed / 200) + 1);
  });
});

describe('refresh writes with the default window', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('writes last activity once, not on every request', async () => {
    const cookie = await seedSessionCookie(t, await seedUser(t));
    const id = sessionIdOf(cookie);
    const longAgo = new Date(Date.now() - 5 * 60_000);
    await t.prisma.session.update({ where: { id }, data: { lastActiveAt: longAgo, idleExpiresAt: new Date(Date.now() + 60_000) } });

    const before = Date.now();
    await get(t, cookie).expect(200);
    const refreshed = await t.prisma.session.findUniqueOrThrow({ where: { id } });
    expect(refreshed.lastActiveAt.getTime()).toBeGreaterThanOrEqual(before - 5);
    expect(refreshed.idleExpiresAt.getTime()).toBeGreaterThan(before + (t.config.sessionIdleTimeoutSeconds - 60) * 1000);

    for (let i = 0; i < 3; i += 1) await get(t, cookie).expect(200);
    const later = await t.prisma.session.findUniqueOrThrow({ where: { id } });
    expect(later.lastActiveAt.getTime()).toBe(refreshed.lastActiveAt.getTime());
    expect(later.idleExpiresAt.getTime()).toBe(refreshed.idleExpiresAt.getTime());
  });
});

describe('the absolute lifetime (SESSION_MAX_AGE=3, SESSION_IDLE_TIMEOUT=2)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { SESSION_IDLE_TIMEOUT: '2', SESSION_MAX_AGE: '3' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('ends even a session in constant use, and the idle refresh never extends past it', async () => {
    const cookie = await seedSessionCookie(t, await seedUser(t));
    const started = Date.now();
    const statuses: Array<[number, number]> = [];
    while (Date.now() - started < 4_000) {
      const res = await get(t, cookie);
      statuses.push([Date.now() - started, res.status]);
      await sleep(300);
    }
    expect(statuses.filter(([at]) => at < 2_500).every(([, status]) => status === 200)).toBe(true);
    expect(statuses.filter(([at]) => at > 3_200).every(([, status]) => status === 401)).toBe(true);
    const row = await t.prisma.session.findUniqueOrThrow({ where: { id: sessionIdOf(cookie) } });
    expect(row.idleExpiresAt.getTime()).toBeLessThanOrEqual(row.absoluteExpiresAt.getTime());
  });
});
