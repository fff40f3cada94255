import type { Response } from 'supertest';
import { bearerClient, seedApiKey, seedSessionCookie, seedUser, sessionClient } from '../support/seed';
import { startTestApp, type TestApp } from '../support/test-app';

/** Refusals are responses too: they spend the caller's budget and carry RateLimit headers (DESIGN §8). */
const SMALL = { RATE_LIMIT_READ_PER_MINUTE: '3', RATE_LIMIT_WRITE_PER_MINUTE: '3' };

function expectBudgetHeaders(res: Response, policy: 'read' | 'write', remaining: number): void {
  expect(res.headers['ratelimit-policy']).toBe(`"${policy}";q=3;w=60`);
  expect(res.headers['ratelimit']).toMatch(new RegExp(`^"${policy}";r=${remaining};t=\\d+$`));
}

describe('refusals spend rate-limit budget', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: SMALL });
  });
  afterAll(async () => {
    await t.close();
  });

  it('a key without the scope is refused with 403, spending the account read budget until 429', async () => {
    const owner = await seedUser(t);
    const key = bearerClient(t, await seedApiKey(t, owner.accountId, ['numbers:read']));
    for (let remaining = 2; remaining >= 0; remaining--) {
      const res = await key.get('/v1/cdrs').expect(403);
      expect(res.body.error.code).toBe('insufficient_permissions');
      expectBudgetHeaders(res, 'read', remaining);
    }
    const limited = await key.get('/v1/cdrs');
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
    // The budget is the account's: a key with the scope is limited too.
    const allowed = bearerClient(t, await seedApiKey(t, owner.accountId, ['cdrs:read']));
    expect((await allowed.get('/v1/cdrs')).status).toBe(429);
  });

  it('a cookie mutation without an allowed Origin is refused with 403, spending the write budget', async () => {
    const owner = await seedUser(t);
    const cookie = await seedSessionCookie(t, owner);
    for (let remaining = 2; remaining >= 0; remaining--) {
      const res = await t.http().patch('/v1/account').set('Cookie', cookie).set('Origin', 'https://evil.example').send({ name: 'x' }).expect(403);
      expect(res.body.error.code).toBe('csrf_origin_mismatch');
      expectBudgetHeaders(res, 'write', remaining);
    }
    const limited = await t.http().patch('/v1/account').set('Cookie', cookie).send({ name: 'x' });
    expect(limited.status).toBe(429);
  });

  it('a key on a session-only route is refused with 403 and the headers', async () => {
    const owner = await seedUser(t);
    const res = await bearerClient(t, await seedApiKey(t, owner.accountId)).get('/v1/api-keys').expect(403);
    expect(res.body.error.code).toBe('session_required');
    expectBudgetHeaders(res, 'read', 2);
  });

  it('a refused body spends the write budget and carries the headers', async () => {
    const owner = await seedUser(t);
    const dashboard = await sessionClient(t, owner);
    const malformed = await dashboard.patch('/v1/account').set('Content-Type', 'application/json').send('{"name":');
    expect(malformed.status).toBe(400);
    expectBudgetHeaders(malformed, 'write', 2);
    const form = await dashboard.patch('/v1/account').set('Content-Type', 'application/x-www-form-urlencoded').send('name=x');
    expect(form.status).toBe(415);
    expectBudgetHeaders(form, 'write', 1);
  });
});
