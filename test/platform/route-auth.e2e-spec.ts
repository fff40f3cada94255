import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { listRoutes, type RouteEntry } from '../../src/platform/routes/route-inventory';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Routes that need no credentials at all. Adding one here is a deliberate decision; a route that
 * turns up public without being listed fails the suite.
 */
const PUBLIC_ROUTES = new Set<string>([
  'GET /.well-known/security.txt',
  'GET /v1/health',
  'GET /v1/health/ready',
  'POST /v1/auth/signup',
  'POST /v1/auth/verify-email',
  'POST /v1/auth/login',
  'POST /v1/auth/password/forgot',
  'POST /v1/auth/password/reset',
  'POST /v1/auth/mfa/verify',
  'POST /v1/auth/mfa/passkey-options',
  'POST /v1/auth/passkeys/authentication-options',
  'POST /v1/auth/login/passkey',
  'POST /v1/auth/invitations/accept',
  'GET /v1/auth/oauth/:provider/start',
  'GET /v1/auth/oauth/:provider/callback',
]);

describe('route authentication inventory', () => {
  let t: TestApp;
  let routes: RouteEntry[];

  beforeAll(async () => {
    t = await startTestApp();
    routes = listRoutes(t.app.get(DiscoveryService), t.app.get(MetadataScanner), t.app.get(Reflector), 'v1').map((route) =>
      // security.txt and the Prometheus scrape are excluded from the /v1 prefix (app.factory.ts); list them where they are served.
      route.path.startsWith('/v1/.well-known/') || route.path === '/v1/metrics' ? { ...route, path: route.path.slice(3) } : route,
    );
  });

  afterAll(async () => {
    await t.close();
  });

  it('lists every route with the schemes and scope it accepts (a new route needs a deliberate snapshot update)', () => {
    expect(routes).toMatchSnapshot();
  });

  it('has no public route outside the allow-list', () => {
    const unexpected = routes.filter((r) => r.auth === 'public' && !PUBLIC_ROUTES.has(`${r.method} ${r.path}`));
    expect(unexpected).toEqual([]);
  });

  it('serves the operator surface with the admin token only, and nothing else with it', () => {
    const admin = routes.filter((r) => r.path.startsWith('/v1/admin/'));
    expect(admin.length).toBeGreaterThan(0);
    expect(admin.filter((r) => r.auth !== 'admin token')).toEqual([]);
    // The one exception: Prometheus scrapes /metrics, where scrapers look for it.
    expect(routes.filter((r) => r.auth === 'admin token' && !r.path.startsWith('/v1/admin/')).map((r) => `${r.method} ${r.path}`)).toEqual(['GET /metrics']);
  });

  it('keeps API-key management session-only', () => {
    const keys = routes.filter((r) => r.path.startsWith('/v1/api-keys'));
    expect(keys.map((r) => `${r.method} ${r.path}`).sort()).toEqual([
      'DELETE /v1/api-keys/:id',
      'GET /v1/api-keys',
      'GET /v1/api-keys/:id',
      'POST /v1/api-keys',
    ]);
    expect(keys.every((r) => r.auth.split(', ')[0] === 'session')).toBe(true);
  });

  it('gives every route a unique method and path', () => {
    const seen = routes.map((r) => `${r.method} ${r.path}`);
    expect(new Set(seen).size).toBe(seen.length);
  });
});
