import { Controller, Get, Post } from '@nestjs/common';
import { AppModule } from '../../src/app/app.module';
import { CurrentPrincipal } from '../../src/platform/auth/current-principal.decorator';
import type { Principal } from '../../src/platform/request/principal';
import { Authenticated, RequireScope, SessionOnly } from '../../src/platform/auth/route-auth';
import { bearerClient, seedApiKey, seedSessionCookie, seedUser, sessionClient, type SeededUser } from '../support/seed';
import { startTestApp, TEST_ADMIN_TOKEN, TEST_ORIGIN, type TestApp } from '../support/test-app';

/**
 * Routes with each kind of declaration, added to the real AppModule for this suite only: the
 * guard's behaviour must not depend on which feature routes happen to exist. Everything else —
 * HTTPS, middleware, the global guard, the database — is the real application.
 */
@Controller('guard-probe')
class GuardProbeController {
  @Get('either')
  @Authenticated()
  either(@CurrentPrincipal() principal: Principal) {
    return { kind: principal.kind };
  }

  @Get('cdrs')
  @RequireScope('cdrs:read')
  readCdrs(@CurrentPrincipal() principal: Principal) {
    return { kind: principal.kind };
  }

  @Post('numbers')
  @RequireScope('numbers:write')
  writeNumbers(@CurrentPrincipal() principal: Principal) {
    return { kind: principal.kind };
  }

  @Get('dashboard')
  @SessionOnly()
  dashboard(@CurrentPrincipal() principal: Principal) {
    return { kind: principal.kind };
  }
}

describe('the global guard (session cookie | bearer API key)', () => {
  let t: TestApp;
  let owner: SeededUser;

  beforeAll(async () => {
    const forRoot = AppModule.forRoot.bind(AppModule);
    const spy = jest.spyOn(AppModule, 'forRoot').mockImplementation((...args) => {
      const module = forRoot(...args);
      return { ...module, controllers: [...(module.controllers ?? []), GuardProbeController] };
    });
    try {
      t = await startTestApp();
    } finally {
      spy.mockRestore();
    }
    owner = await seedUser(t, { apiKeysEnabled: true });
  });

  afterAll(async () => {
    await t.close();
  });

  async function keyFor(scopes?: string[]): Promise<string> {
    const res = await (await sessionClient(t, owner)).post('/v1/api-keys').send({ name: 'guard test', scopes });
    expect(res.status).toBe(201);
    return res.body.key;
  }

  it('lets either scheme into a route that is not session-only', async () => {
    const key = await keyFor();
    expect((await bearerClient(t, key).get('/v1/guard-probe/either')).body).toEqual({ kind: 'api_key' });
    expect((await (await sessionClient(t, owner)).get('/v1/guard-probe/either')).body).toEqual({ kind: 'session' });
  });

  it('refuses a request with neither with 401 authentication_required', async () => {
    const res = await t.http().get('/v1/guard-probe/either');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('authentication_required');
  });

  it('answers 403 session_required to a valid key on a session-only route', async () => {
    const key = await keyFor();
    const res = await bearerClient(t, key).get('/v1/guard-probe/dashboard');
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({ type: 'permission_error', code: 'session_required' });
    expect((await (await sessionClient(t, owner)).get('/v1/guard-probe/dashboard')).status).toBe(200);
  });

  it('enforces a key’s scopes', async () => {
    const reader = await keyFor(['cdrs:read']);
    const numbersOnly = await keyFor(['numbers:read', 'numbers:write']);
    const everything = await keyFor(['*']);

    expect((await bearerClient(t, reader).get('/v1/guard-probe/cdrs')).status).toBe(200);
    expect((await bearerClient(t, everything).get('/v1/guard-probe/cdrs')).status).toBe(200);
    const refused = await bearerClient(t, numbersOnly).get('/v1/guard-probe/cdrs');
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: 'insufficient_permissions', message: expect.stringContaining('cdrs:read') });

    expect((await bearerClient(t, numbersOnly).post('/v1/guard-probe/numbers')).status).toBe(201);
    expect((await bearerClient(t, reader).post('/v1/guard-probe/numbers')).status).toBe(403);
  });

  it('enforces members’ permissions through the same decorator', async () => {
    const member = await seedUser(t, { accountId: owner.accountId, role: 'member' });
    const granted = await seedUser(t, { accountId: owner.accountId, role: 'member', permissions: ['cdrs:read'] });
    const admin = await seedUser(t, { accountId: owner.accountId, role: 'admin' });

    const refused = await (await sessionClient(t, member)).get('/v1/guard-probe/cdrs');
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('insufficient_permissions');
    expect((await (await sessionClient(t, granted)).get('/v1/guard-probe/cdrs')).status).toBe(200);
    expect((await (await sessionClient(t, admin)).get('/v1/guard-probe/cdrs')).status).toBe(200);
    expect((await (await sessionClient(t, owner)).get('/v1/guard-probe/cdrs')).status).toBe(200);
    // numbers:write is one of a member's default permissions.
    expect((await (await sessionClient(t, member)).post('/v1/guard-probe/numbers')).status).toBe(201);
  });

  it('checks the Origin of cookie-authenticated changes but not of bearer ones', async () => {
    const cookie = await seedSessionCookie(t, owner);
    const noOrigin = await t.http().post('/v1/guard-probe/numbers').set('Cookie', cookie);
    expect(noOrigin.status).toBe(403);
    expect(noOrigin.body.error.code).toBe('csrf_origin_mismatch');
    const foreign = await t.http().post('/v1/guard-probe/numbers').set('Cookie', cookie).set('Origin', 'https://evil.example');
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.code).toBe('csrf_origin_mismatch');
    const byReferer = await t.http().post('/v1/guard-probe/numbers').set('Cookie', cookie).set('Referer', `${TEST_ORIGIN}/numbers`);
    expect(byReferer.status).toBe(201);
    expect((await t.http().post('/v1/guard-probe/numbers').set('Cookie', cookie).set('Origin', TEST_ORIGIN)).status).toBe(201);
    // Reads need no Origin.
    expect((await t.http().get('/v1/guard-probe/either').set('Cookie', cookie)).status).toBe(200);

    const key = await keyFor();
    const bearer = await bearerClient(t, key).post('/v1/guard-probe/numbers');
    expect(bearer.status).toBe(201);
    const bearerForeign = await bearerClient(t, key).post('/v1/guard-probe/numbers').set('Origin', 'https://evil.example');
    expect(bearerForeign.status).toBe(201);
  });

  it('treats an Authorization header as a bearer request: a bad key never falls back to the cookie', async () => {
    const cookie = await seedSessionCookie(t, owner);
    const res = await t.http().get('/v1/guard-probe/either').set('Cookie', cookie).set('Authorization', 'Bearer didhub_live_nope');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('invalid_api_key');
  });

  it('accepts the key only from the Authorization header, never from the query string or body', async () => {
    const key = await keyFor();
    const inQuery = await t.http().get(`/v1/guard-probe/either?access_token=${key}`);
    expect(inQuery.status).toBe(401);
    expect(inQuery.body.error.code).toBe('authentication_required');
    const besideOtherScheme = await t.http().get(`/v1/guard-probe/either?access_token=${key}`).set('Authorization', 'Basic dXNlcjpwYXNz');
    expect(besideOtherScheme.status).toBe(401);
    expect(besideOtherScheme.body.error.code).toBe('invalid_api_key');
    const inBody = await t.http().post('/v1/guard-probe/numbers').set('Authorization', 'Basic dXNlcjpwYXNz').send({ access_token: key });
    expect(inBody.status).toBe(401);
    expect(inBody.body.error.code).toBe('invalid_api_key');
  });

  it('accepts the bearer scheme name in any case (RFC 7235)', async () => {
    const key = await keyFor();
    expect((await t.http().get('/v1/guard-probe/either').set('Authorization', `bearer ${key}`)).status).toBe(200);
  });

  it('keeps sessions and customer keys out of the operator API, and the operator token out of customer routes', async () => {
    const key = await keyFor();
    const viaKey = await bearerClient(t, key).get(`/v1/admin/accounts/${owner.accountId}`);
    expect(viaKey.status).toBe(401);
    expect(viaKey.body.error.code).toBe('invalid_admin_token');
    const viaSession = await (await sessionClient(t, owner)).get(`/v1/admin/accounts/${owner.accountId}`);
    expect(viaSession.status).toBe(401);
    const adminOnCustomer = await t.http().get('/v1/guard-probe/either').set('Authorization', `Bearer ${TEST_ADMIN_TOKEN}`);
    expect(adminOnCustomer.status).toBe(401);
    expect(adminOnCustomer.body.error.code).toBe('invalid_api_key');
  });

  it('lets a seeded key through with only its scopes', async () => {
    const key = await seedApiKey(t, owner.accountId, ['compliance:read']);
    expect((await bearerClient(t, key).get('/v1/guard-probe/either')).status).toBe(200);
    expect((await bearerClient(t, key).get('/v1/guard-probe/cdrs')).status).toBe(403);
  });

  describe('on the real scoped routes (GET /v1/cdrs needs cdrs:read)', () => {
    it('lets a cdrs:read key and a "*" key list CDRs, and refuses a key without the scope', async () => {
      for (const scopes of [['cdrs:read'], ['*']]) {
        const res = await bearerClient(t, await keyFor(scopes)).get('/v1/cdrs');
        expect({ scopes, status: res.status, object: res.body.object }).toEqual({ scopes, status: 200, object: 'list' });
      }
      const refused = await bearerClient(t, await keyFor(['numbers:read', 'compliance:read'])).get('/v1/cdrs');
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('insufficient_permissions');
    });

    it('lets owners and granted members read CDRs, and refuses other members', async () => {
      const member = await seedUser(t, { accountId: owner.accountId, role: 'member' });
      const granted = await seedUser(t, { accountId: owner.accountId, role: 'member', permissions: ['cdrs:read'] });
      expect((await (await sessionClient(t, member)).get('/v1/cdrs')).status).toBe(403);
      expect((await (await sessionClient(t, granted)).get('/v1/cdrs')).status).toBe(200);
      expect((await (await sessionClient(t, owner)).get('/v1/cdrs')).status).toBe(200);
    });
  });
});
