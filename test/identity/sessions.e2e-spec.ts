import { openFromSnapshot } from '../../src/platform/database/pglite-snapshot';
import type { DatabaseHandle } from '../../src/platform/database/database';
import { seedApiKey, seedSessionCookie, seedUser, bearerClient, type SeededUser } from '../support/seed';
import { startTestApp, TEST_ORIGIN, usingPostgres, type TestApp } from '../support/test-app';

function sessionIdOf(cookie: string): string {
  return cookie.slice(cookie.indexOf('=') + 1).split('.')[0];
}

describe('session management', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const as = (cookie: string) => ({
    get: (path: string) => t.http().get(path).set('Cookie', cookie),
    post: (path: string) => t.http().post(path).set('Cookie', cookie).set('Origin', TEST_ORIGIN),
  });

  async function userWithSessions(count: number): Promise<{ user: SeededUser; cookies: string[] }> {
    const user = await seedUser(t);
    const cookies: string[] = [];
    for (let i = 0; i < count; i += 1) cookies.push(await seedSessionCookie(t, user));
    return { user, cookies };
  }

  it("lists only the user's live sessions, marking the current one", async () => {
    const { user, cookies } = await userWithSessions(3);
    const [current, other, revoked] = cookies;
    await t.prisma.session.update({ where: { id: sessionIdOf(revoked) }, data: { revokedAt: new Date() } });
    const expired = await seedSessionCookie(t, user);
    await t.prisma.session.update({ where: { id: sessionIdOf(expired) }, data: { idleExpiresAt: new Date(Date.now() - 1000) } });
    const stranger = await userWithSessions(1);

    const res = await as(current).get('/v1/auth/sessions').expect(200);
    expect(res.body.object).toBe('list');
    expect(res.body.has_more).toBe(false);
    const ids = res.body.data.map((s: { id: string }) => s.id).sort();
    expect(ids).toEqual([sessionIdOf(current), sessionIdOf(other)].sort());
    expect(ids).not.toContain(sessionIdOf(stranger.cookies[0]));
    const mine = res.body.data.find((s: { id: string }) => s.id === sessionIdOf(current));
    expect(mine).toMatchObject({ object: 'session', current: true, account_id: user.accountId, revoked_at: null });
    for (const field of ['created_at', 'last_active_at', 'expires_at']) expect(Date.parse(mine[field])).not.toBeNaN();
    expect(mine).toHaveProperty('ip');
    expect(mine).toHaveProperty('user_agent');
    expect(res.body.data.find((s: { id: string }) => s.id === sessionIdOf(other)).current).toBe(false);
  });

  it('reports expires_at as the earlier of the idle window and the absolute lifetime', async () => {
    const { cookies } = await userWithSessions(1);
    const absolute = new Date(Date.now() + 60_000);
    await t.prisma.session.update({ where: { id: sessionIdOf(cookies[0]) }, data: { absoluteExpiresAt: absolute } });
    const res = await as(cookies[0]).get('/v1/auth/sessions').expect(200);
    expect(res.body.data[0].expires_at).toBe(absolute.toISOString());
  });

  it('pages through sessions newest first with a cursor', async () => {
    const { cookies } = await userWithSessions(5);
    const seen: string[] = [];
    const keys: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `?limit=2&cursor=${encodeURIComponent(cursor)}` : '?limit=2';
      const res = await as(cookies[0]).get(`/v1/auth/sessions${query}`).expect(200);
      expect(res.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.data.map((s: { id: string }) => s.id));
      keys.push(...res.body.data.map((s: { id: string; created_at: string }) => `${s.created_at}|${s.id}`));
      cursor = res.body.next_cursor;
      expect(res.body.has_more).toBe(cursor !== null);
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect([...seen].sort()).toEqual(cookies.map(sessionIdOf).sort());
    expect(new Set(seen).size).toBe(5);
    expect(keys).toEqual([...keys].sort().reverse());

    const bad = await as(cookies[0]).get('/v1/auth/sessions?cursor=forged.cursor').expect(400);
    expect(bad.body.error).toMatchObject({ code: 'parameter_invalid', param: 'cursor' });
    await as(cookies[0]).get('/v1/auth/sessions?limit=0').expect(400);
  });

  it('revokes one session: it is refused on its next request, the others keep working', async () => {
    const { cookies } = await userWithSessions(2);
    const [mine, laptop] = cookies;
    await as(laptop).get('/v1/auth/sessions').expect(200);

    const res = await as(mine).post(`/v1/auth/sessions/${sessionIdOf(laptop)}/revoke`).expect(200);
    expect(res.body).toMatchObject({ object: 'session', id: sessionIdOf(laptop), current: false });
    expect(Date.parse(res.body.revoked_at)).not.toBeNaN();

    const refused = await as(laptop).get('/v1/auth/sessions').expect(401);
    expect(refused.body.error.code).toBe('authentication_required');
    const list = await as(mine).get('/v1/auth/sessions').expect(200);
    expect(list.body.data.map((s: { id: string }) => s.id)).toEqual([sessionIdOf(mine)]);

    // Revoking again is harmless and reports the same revocation.
    const again = await as(mine).post(`/v1/auth/sessions/${sessionIdOf(laptop)}/revoke`).expect(200);
    expect(again.body.revoked_at).toBe(res.body.revoked_at);
  });

  it("answers 404 for another user's session and leaves it alive", async () => {
    const me = await userWithSessions(1);
    const other = await userWithSessions(1);
    const res = await as(me.cookies[0]).post(`/v1/auth/sessions/${sessionIdOf(other.cookies[0])}/revoke`).expect(404);
    expect(res.body.error.code).toBe('resource_missing');
    await as(other.cookies[0]).get('/v1/auth/sessions').expect(200);
  });

  it('answers 404 for an unknown session id and for a malformed one, as every other resource does', async () => {
    const { cookies } = await userWithSessions(1);
    await as(cookies[0]).post('/v1/auth/sessions/ses_0000000000000000000000/revoke').expect(404);
    const bad = await as(cookies[0]).post('/v1/auth/sessions/not-a-session/revoke').expect(404);
    expect(bad.body.error).toMatchObject({ code: 'resource_missing' });
  });

  it('revoking the current session signs it out and clears the cookie', async () => {
    const { cookies } = await userWithSessions(1);
    const res = await as(cookies[0]).post(`/v1/auth/sessions/${sessionIdOf(cookies[0])}/revoke`).expect(200);
    expect(res.body.current).toBe(true);
    const setCookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).join('\n');
    expect(setCookie).toMatch(/didhub_sid=;/);
    expect(setCookie).toMatch(/Expires=Thu, 01 Jan 1970/);
    await as(cookies[0]).get('/v1/auth/sessions').expect(401);
  });

  it('revoke-others ends every other live session and reports how many', async () => {
    const { user, cookies } = await userWithSessions(4);
    const [mine, ...others] = cookies;
    await t.prisma.session.update({ where: { id: sessionIdOf(others[0]) }, data: { revokedAt: new Date() } });
    const stranger = await userWithSessions(1);

    const res = await as(mine).post('/v1/auth/sessions/revoke-others').expect(200);
    expect(res.body).toEqual({ revoked_count: 2 });
    for (const cookie of others) await as(cookie).get('/v1/auth/sessions').expect(401);
    await as(mine).get('/v1/auth/sessions').expect(200);
    await as(stranger.cookies[0]).get('/v1/auth/sessions').expect(200);
    expect(await t.prisma.session.count({ where: { userId: user.userId, revokedAt: null } })).toBe(1);

    await as(mine).post('/v1/auth/sessions/revoke-others').expect(200, { revoked_count: 0 });
  });

  it('is for dashboard sessions only: an API key gets 403 session_required', async () => {
    const user = await seedUser(t, { apiKeysEnabled: true });
    const key = await seedApiKey(t, user.accountId);
    const res = await bearerClient(t, key).get('/v1/auth/sessions').expect(403);
    expect(res.body.error.code).toBe('session_required');
    await bearerClient(t, key).post('/v1/auth/sessions/revoke-others').expect(403);
  });

  it('requires a session', async () => {
    await t.http().get('/v1/auth/sessions').expect(401);
  });
});

describe('revocation across instances', () => {
  let handle: DatabaseHandle | undefined;
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    // Two API instances on one database: PostgreSQL is shared by configuration; PGlite by handle.
    if (!usingPostgres()) handle = await openFromSnapshot(process.env.DIDHUB_TEST_SNAPSHOT!);
    a = await startTestApp({ database: handle });
    b = await startTestApp({ database: handle });
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  it('a session revoked on one instance is refused by the other on its next request', async () => {
    const user = await seedUser(a);
    const phone = await seedSessionCookie(a, user);
    const laptop = await seedSessionCookie(a, user);
    await b.http().get('/v1/auth/sessions').set('Cookie', laptop).expect(200);
    await a
      .http()
      .post(`/v1/auth/sessions/${sessionIdOf(laptop)}/revoke`)
      .set('Cookie', phone)
      .set('Origin', TEST_ORIGIN)
      .expect(200);
    await b.http().get('/v1/auth/sessions').set('Cookie', laptop).expect(401);
    await b.http().get('/v1/auth/sessions').set('Cookie', phone).expect(200);
  });
});
