import { connect } from 'node:tls';
import { ConfigError } from '../../src/platform/config/config-error';
import { loadConfig } from '../../src/platform/config/config';
import { startTestApp, TEST_ORIGIN, type TestApp } from '../support/test-app';

function tlsHandshake(port: number, version: 'TLSv1.1' | 'TLSv1.2'): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: '127.0.0.1',
      port,
      minVersion: version,
      maxVersion: version,
      // Let the client offer legacy suites, so only the server can be the one refusing.
      ciphers: 'DEFAULT@SECLEVEL=0',
      rejectUnauthorized: false,
    });
    socket.once('secureConnect', () => {
      resolve(socket.getProtocol() ?? '');
      socket.end();
    });
    socket.once('error', reject);
  });
}

describe('transport security and wire format', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses TLS 1.1 and accepts TLS 1.2', async () => {
    const port = Number(new URL(t.url).port);
    await expect(tlsHandshake(port, 'TLSv1.1')).rejects.toMatchObject({ code: 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION' });
    await expect(tlsHandshake(port, 'TLSv1.2')).resolves.toBe('TLSv1.2');
  });

  it('serves nothing over plain HTTP on its port', async () => {
    const plain = t.url.replace('https://', 'http://');
    const answer = await fetch(`${plain}/v1/health`).then((res) => res.status, (error: Error) => error.name);
    expect(answer).not.toBe(200);
  });

  it('sends HSTS, nosniff, no-store and a request id, and no X-Powered-By', async () => {
    const res = await t.http().get('/v1/health').expect(200);
    expect(res.headers['strict-transport-security']).toMatch(/max-age=31536000/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-request-id']).toMatch(/^req_[0-9A-Za-z]{22}$/);
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('sends the full set of security headers on every response, errors included', async () => {
    for (const res of [await t.http().get('/v1/health').expect(200), await t.http().get('/v1/account').expect(401)]) {
      expect(res.headers).toMatchObject({
        'strict-transport-security': 'max-age=31536000; includeSubDomains',
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'SAMEORIGIN',
        'referrer-policy': 'no-referrer',
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-resource-policy': 'same-origin',
        'origin-agent-cluster': '?1',
        'x-dns-prefetch-control': 'off',
        'x-download-options': 'noopen',
        'x-permitted-cross-domain-policies': 'none',
        'x-xss-protection': '0',
      });
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
  });

  it('allows CORS with credentials only for the dashboard origins', async () => {
    const allowed = await t.http().options('/v1/auth/me').set('Origin', TEST_ORIGIN).set('Access-Control-Request-Method', 'GET');
    expect(allowed.headers['access-control-allow-origin']).toBe(TEST_ORIGIN);
    expect(allowed.headers['access-control-allow-credentials']).toBe('true');
    const foreign = await t.http().options('/v1/auth/me').set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'GET');
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers an unauthenticated call in the error format with 401', async () => {
    const res = await t.http().get('/v1/auth/me').expect(401);
    expect(res.body).toEqual({
      error: {
        type: 'authentication_error',
        code: 'authentication_required',
        message: expect.any(String),
        request_id: res.headers['x-request-id'],
      },
    });
  });

  it('answers an unknown route with 404 in the error format', async () => {
    const res = await t.http().get('/v1/no-such-thing').expect(404);
    expect(res.body.error).toMatchObject({ type: 'invalid_request_error', code: 'route_not_found' });
    expect(res.body.error.request_id).toBe(res.headers['x-request-id']);
  });

  it('answers malformed JSON with 400 malformed_json', async () => {
    const res = await t.http().post('/v1/auth/login').set('Content-Type', 'application/json').send('{"email": "a@b.c",').expect(400);
    expect(res.body.error).toMatchObject({ type: 'invalid_request_error', code: 'malformed_json' });
  });

  it('answers a body over the limit with 413', async () => {
    const big = JSON.stringify({ email: 'x'.repeat(t.config.bodyLimitBytes + 10) });
    const res = await t.http().post('/v1/auth/login').set('Content-Type', 'application/json').send(big).expect(413);
    expect(res.body.error).toMatchObject({ code: 'request_too_large' });
  });

  it('names the offending field on a validation error (400)', async () => {
    const res = await t.http().post('/v1/auth/login').send({ email: 'someone@example.com', password: 12345 }).expect(400);
    expect(res.body.error).toMatchObject({ type: 'invalid_request_error', code: 'parameter_invalid', param: 'password' });
    const unknown = await t.http().post('/v1/auth/login').send({ email: 'someone@example.com', password: 'x'.repeat(12), admin: true }).expect(400);
    expect(unknown.body.error).toMatchObject({ param: 'admin' });
  });

  it('serves security.txt per RFC 9116', async () => {
    const res = await t.http().get('/.well-known/security.txt').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toMatch(/^Contact: mailto:security@didhub\.io$/m);
    expect(res.text).toMatch(/^Preferred-Languages: en$/m);
    const expires = /^Expires: (.+)$/m.exec(res.text)?.[1];
    expect(new Date(expires!).getTime()).toBeGreaterThan(Date.now());
  });

  it('publishes OpenAPI declaring both customer schemes, and Swagger UI', async () => {
    const res = await t.http().get('/docs/openapi.json').expect(200);
    const schemes = res.body.components.securitySchemes;
    expect(schemes.didhub_sid).toMatchObject({ type: 'apiKey', in: 'cookie', name: 'didhub_sid' });
    expect(schemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(Object.keys(res.body.paths)).toContain('/v1/health');
    await t.http().get('/docs/').expect(200).expect('Content-Type', /html/);
  });
});

describe('behind a trusted TLS-terminating proxy', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { TRUST_PROXY: '127.0.0.1/32' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('serves plain HTTP only for requests the proxy says arrived over HTTPS', async () => {
    expect(t.url.startsWith('http://')).toBe(true);
    await t.http().get('/.well-known/security.txt').set('X-Forwarded-Proto', 'https').expect(200);
    const refused = await t.http().get('/.well-known/security.txt').expect(403);
    expect(refused.body.error).toMatchObject({ type: 'permission_error', code: 'https_required' });
    // Refusals carry a request id like every other answer, in the body and the header.
    expect(refused.body.error.request_id).toMatch(/^req_/);
    expect(refused.headers['x-request-id']).toBe(refused.body.error.request_id);
    await t.http().get('/.well-known/security.txt').set('X-Forwarded-Proto', 'http').expect(403);
  });

  it('refuses before looking at credentials', async () => {
    const res = await t.http().get('/v1/auth/me').set('Authorization', 'Bearer didhub_live_x').expect(403);
    expect(res.body.error.code).toBe('https_required');
  });
});

describe('behind an untrusted hop', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { TRUST_PROXY: '10.9.9.9' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses even with X-Forwarded-Proto: https when the peer is not a trusted proxy', async () => {
    const res = await t.http().get('/.well-known/security.txt').set('X-Forwarded-Proto', 'https').expect(403);
    expect(res.body.error.code).toBe('https_required');
  });
});

describe('configuration', () => {
  const base = { DATA_DIR: '/nonexistent-didhub-test' };
  const secrets = {
    SESSION_SECRET: 's'.repeat(40),
    API_KEY_PEPPER: 'p'.repeat(40),
    ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}`,
    TRUST_PROXY: '10.0.0.0/8',
    DATABASE_URL: 'postgres://didhub@db.internal:5432/didhub',
    SMTP_URL: 'smtp://mail.internal:587',
  };

  it.each(['SESSION_SECRET', 'API_KEY_PEPPER', 'ENCRYPTION_KEYS'])('production refuses to start without %s', (name) => {
    const env: Record<string, string> = { ...base, ...secrets, NODE_ENV: 'production' };
    delete env[name];
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(name);
  });

  it('production refuses to start without TLS files unless behind a trusted proxy', () => {
    const env: Record<string, string> = { ...base, ...secrets, NODE_ENV: 'production' };
    delete env.TRUST_PROXY;
    expect(() => loadConfig(env)).toThrow(/TLS_CERT_FILE/);
    expect(loadConfig({ ...env, TRUST_PROXY: '10.0.0.0/8' }).nodeEnv).toBe('production');
  });

  it('production refuses weaker settings: OAuth without PUBLIC_API_URL, a low BCRYPT_COST', () => {
    const env: Record<string, string> = { ...base, ...secrets, NODE_ENV: 'production' };
    const providers = JSON.stringify([{ name: 'idp', issuer: 'https://idp.example', client_id: 'c', client_secret: 's' }]);
    expect(() => loadConfig({ ...env, OAUTH_PROVIDERS: providers })).toThrow(/PUBLIC_API_URL/);
    expect(loadConfig({ ...env, OAUTH_PROVIDERS: providers, PUBLIC_API_URL: 'https://api.didhub.io' }).oauthProviders).toHaveLength(1);
    expect(() => loadConfig({ ...env, BCRYPT_COST: '6' })).toThrow(/BCRYPT_COST/);
  });

  it('names the variable when a value is bad', () => {
    const env = { ...base, ...secrets };
    expect(() => loadConfig({ ...env, PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ ...env, SESSION_IDLE_TIMEOUT: '-5' })).toThrow(/SESSION_IDLE_TIMEOUT/);
    expect(() => loadConfig({ ...env, ENCRYPTION_KEYS: 'k1:short' })).toThrow(/ENCRYPTION_KEYS/);
    expect(() => loadConfig({ ...env, TRUST_PROXY: 'not-an-ip' })).toThrow(/TRUST_PROXY/);
    expect(() => loadConfig({ ...env, DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ ...env, DASHBOARD_ORIGINS: 'https://a.example/path' })).toThrow(/DASHBOARD_ORIGINS/);
  });
});
