import { bearerClient, seedApiKey, seedSessionCookie, seedUser, type SeededUser } from '../support/seed';
import { startTestApp, TEST_ORIGIN, type TestApp } from '../support/test-app';

describe('CSRF origin check for cookie-authenticated changes', () => {
  let t: TestApp;
  let user: SeededUser;
  let cookie: string;
  beforeAll(async () => {
    t = await startTestApp();
    user = await seedUser(t, { apiKeysEnabled: true });
    cookie = await seedSessionCookie(t, user);
  });
  afterAll(async () => {
    await t.close();
  });

  const rename = (name: string) => t.http().patch('/v1/account').set('Cookie', cookie).send({ name });
  const accountName = async () => (await t.prisma.account.findUniqueOrThrow({ where: { id: user.accountId } })).name;

  it('refuses a cookie-authenticated change without Origin or Referer, and changes nothing', async () => {
    const res = await rename('No origin').expect(403);
    expect(res.body.error).toMatchObject({ type: 'permission_error', code: 'csrf_origin_mismatch' });
    expect(await accountName()).not.toBe('No origin');
  });

  it('refuses a foreign Origin, and a foreign Referer', async () => {
    const byOrigin = await rename('Evil').set('Origin', 'https://evil.example').expect(403);
    expect(byOrigin.body.error.code).toBe('csrf_origin_mismatch');
    const lookalike = await rename('Evil').set('Origin', 'https://dashboard.didhub.io.evil.example').expect(403);
    expect(lookalike.body.error.code).toBe('csrf_origin_mismatch');
    const byReferer = await rename('Evil').set('Referer', 'https://evil.example/settings').expect(403);
    expect(byReferer.body.error.code).toBe('csrf_origin_mismatch');
    const plainHttp = await rename('Evil').set('Origin', 'http://dashboard.didhub.io').expect(403);
    expect(plainHttp.body.error.code).toBe('csrf_origin_mismatch');
    expect(await accountName()).not.toBe('Evil');
  });

  it('refuses the same for POST and DELETE', async () => {
    const post = await t.http().post('/v1/auth/sessions/revoke-others').set('Cookie', cookie).expect(403);
    expect(post.body.error.code).toBe('csrf_origin_mismatch');
    const del = await t.http().delete('/v1/account/members/mem_0000000000000000000000').set('Cookie', cookie).expect(403);
    expect(del.body.error.code).toBe('csrf_origin_mismatch');
  });

  it('accepts a change from a dashboard Origin, or with a dashboard Referer', async () => {
    await rename('From the dashboard').set('Origin', TEST_ORIGIN).expect(200);
    expect(await accountName()).toBe('From the dashboard');
    await rename('Via alias').set('Origin', 'https://dash.didhub.io').expect(200);
    await rename('Via referer').set('Referer', `${TEST_ORIGIN}/settings/account?tab=1`).expect(200);
    expect(await accountName()).toBe('Via referer');
  });

  it("accepts a change from the API's own origin (Swagger UI at /docs), and only for the Host it was sent to", async () => {
    // t.url is https://127.0.0.1:<port>: the origin a browser on /docs sends.
    await rename('From the docs page').set('Origin', t.url).expect(200);
    expect(await accountName()).toBe('From the docs page');
    await rename('From the docs referer').set('Referer', `${t.url}/docs/`).expect(200);
    // The same scheme and address on another port is another origin.
    const otherPort = t.url.replace(/:(\d+)$/, (_, port: string) => `:${Number(port) + 1}`);
    const refused = await rename('Other port').set('Origin', otherPort).expect(403);
    expect(refused.body.error.code).toBe('csrf_origin_mismatch');
    expect(await accountName()).toBe('From the docs referer');
  });

  it('lets cookie-authenticated reads through without an Origin', async () => {
    await t.http().get('/v1/account').set('Cookie', cookie).expect(200);
    await t.http().get('/v1/auth/sessions').set('Cookie', cookie).expect(200);
  });

  it('does not apply to bearer API keys', async () => {
    const key = await seedApiKey(t, user.accountId);
    await bearerClient(t, key).get('/v1/account').expect(200);
    // A key reaching a session-only mutation without any Origin is refused for being a key,
    // not for a missing Origin: the origin check is never applied to bearer requests.
    const res = await bearerClient(t, key).post('/v1/auth/sessions/revoke-others').set('Origin', 'https://evil.example').expect(403);
    expect(res.body.error.code).toBe('session_required');
  });
});
