import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import speakeasy from 'speakeasy';
import request from 'supertest';
import { seedUser, sessionClient, uniqueEmail } from '../support/seed';
import { SoftwareAuthenticator } from '../support/software-authenticator';
import { startTestApp, TEST_ORIGIN, type TestApp, type TestClient } from '../support/test-app';

const CLIENT_ID = 'didhub-test';
const CLIENT_SECRET = 'didhub-test-client-secret-0123456789';

interface ProviderProfile {
  email: string;
  email_verified: boolean;
  name?: string;
}

function nextMessage<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: { type: string }) => {
      if (message.type !== type) return;
      child.off('message', onMessage);
      resolve(message as T);
    };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`OpenID provider exited with ${code}`)));
  });
}

describe('OAuth / OpenID Connect sign-in (against a real oidc-provider)', () => {
  let t: TestApp;
  let provider: ChildProcess;
  let issuer: string;

  beforeAll(async () => {
    provider = fork(join(__dirname, '..', 'support', 'oidc-test-provider.mjs'), [], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    const { port } = await nextMessage<{ port: number }>(provider, 'listening');
    issuer = `http://127.0.0.1:${port}`;
    t = await startTestApp({
      env: {
        OAUTH_PROVIDERS: JSON.stringify([{ name: 'test', issuer, client_id: CLIENT_ID, client_secret: CLIENT_SECRET }]),
        RATE_LIMIT_AUTH_PER_MINUTE: '100000',
        RATE_LIMIT_ANON_PER_MINUTE: '100000',
      },
    });
    const ready = nextMessage(provider, 'ready');
    provider.send({
      type: 'configure',
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      redirectUri: `${t.url}/v1/auth/oauth/test/callback`,
    });
    await ready;
  });

  afterAll(async () => {
    await t?.close();
    provider?.disconnect();
    provider?.kill();
  });

  /** Drives the provider's login and consent pages over HTTP, as a browser would; returns the app callback URL. */
  async function signInAtProvider(authorizationUrl: string, profile: ProviderProfile): Promise<URL> {
    const browser = request.agent(issuer);
    const login = Buffer.from(JSON.stringify(profile)).toString('base64url');
    let next = new URL(authorizationUrl);
    for (let hop = 0; hop < 12; hop++) {
      if (next.origin !== issuer) return next;
      const page = await browser.get(next.pathname + next.search);
      if (page.status === 200 && /\/interaction\//.test(next.pathname)) {
        const prompt = /name="prompt" value="(\w+)"/.exec(page.text)?.[1];
        const form = prompt === 'login' ? { prompt, login, password: 'any' } : { prompt };
        const submitted = await browser.post(next.pathname).type('form').send(form);
        expect([302, 303]).toContain(submitted.status);
        next = new URL(submitted.headers.location, issuer);
        continue;
      }
      expect([302, 303]).toContain(page.status);
      next = new URL(page.headers.location, issuer);
    }
    throw new Error('the provider never redirected back to the app');
  }

  /** Start → provider → callback in one browser (cookie jar); returns the callback response. */
  async function oauthSignIn(profile: ProviderProfile, app: TestClient = t.http()) {
    const start = await app.get('/v1/auth/oauth/test/start');
    expect(start.status).toBe(302);
    const callback = await signInAtProvider(start.headers.location, profile);
    expect(callback.pathname).toBe('/v1/auth/oauth/test/callback');
    return app.get(callback.pathname + callback.search);
  }

  const sessionCookieOf = (res: request.Response) =>
    ((res.headers['set-cookie'] as unknown as string[] | undefined) ?? []).find((c) => c.startsWith('didhub_sid=') && !c.startsWith('didhub_sid=;'));

  it('start redirects to the provider with state, nonce and PKCE S256, in a sealed HttpOnly Secure cookie', async () => {
    const res = await t.http().get('/v1/auth/oauth/test/start');
    expect(res.status).toBe(302);
    const url = new URL(res.headers.location);
    expect(url.origin).toBe(issuer);
    expect(url.searchParams.get('client_id')).toBe(CLIENT_ID);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get('state')).toBeTruthy();
    expect(url.searchParams.get('nonce')).toBeTruthy();
    expect(url.searchParams.get('redirect_uri')).toBe(`${t.url}/v1/auth/oauth/test/callback`);
    const cookie = (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('didhub_oauth='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/Secure/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toContain(url.searchParams.get('state')!);
  });

  it('signs a new person in with a session: creates a user and account with the verified address', async () => {
    const email = uniqueEmail('oauth-new');
    const res = await oauthSignIn({ email, email_verified: true, name: 'Ada Oauth' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`${TEST_ORIGIN}/`);
    const cookie = sessionCookieOf(res);
    expect(cookie).toBeDefined();
    const me = await t.http().get('/v1/auth/me').set('Cookie', cookie!.split(';')[0]);
    expect(me.status).toBe(200);
    const user = await t.prisma.user.findUniqueOrThrow({ where: { email }, include: { oauthIdentities: true, memberships: true } });
    expect(user.emailVerifiedAt).not.toBeNull();
    expect(user.passwordHash).toBeNull();
    expect(user.name).toBe('Ada Oauth');
    expect(user.oauthIdentities).toHaveLength(1);
    expect(user.oauthIdentities[0].provider).toBe('test');
    expect(user.memberships[0].role).toBe('owner');
    const attempts = await t.prisma.loginAttempt.findMany({ where: { userId: user.id, method: 'oauth', success: true } });
    expect(attempts).toHaveLength(1);

    // The same identity again is the same user, not a second one.
    const again = await oauthSignIn({ email, email_verified: true });
    expect(again.status).toBe(303);
    expect(await t.prisma.user.count({ where: { email } })).toBe(1);
  });

  it('links an existing user only through a verified address, and stops at the factor for an MFA user', async () => {
    const user = await seedUser(t);
    const client = await sessionClient(t, user);
    const secret = (await client.post('/v1/auth/mfa/setup-start').send({})).body.secret as string;
    const code = () => speakeasy.totp({ secret, encoding: 'base32' });
    expect((await client.post('/v1/auth/mfa/setup-confirm').send({ code: code() })).status).toBe(200);
    await t.prisma.user.update({ where: { id: user.userId }, data: { mfaLastStep: null } });

    const unverified = await oauthSignIn({ email: user.email, email_verified: false });
    expect(unverified.status).toBe(409);
    expect(unverified.body.error.code).toBe('oauth_email_unverified');
    expect(sessionCookieOf(unverified)).toBeUndefined();
    expect(await t.prisma.oAuthIdentity.count({ where: { userId: user.userId } })).toBe(0);

    const res = await oauthSignIn({ email: user.email, email_verified: true });
    expect(res.status).toBe(303);
    expect(sessionCookieOf(res)).toBeUndefined();
    const location = new URL(res.headers.location);
    expect(location.origin + location.pathname).toBe(`${TEST_ORIGIN}/login/mfa`);
    const mfaToken = decodeURIComponent(location.hash.replace(/^#mfa_token=/, ''));
    expect(mfaToken).toMatch(/^mfa_/);
    expect(await t.prisma.oAuthIdentity.count({ where: { userId: user.userId, provider: 'test' } })).toBe(1);

    const verified = await t.http().post('/v1/auth/mfa/verify').send({ mfa_token: mfaToken, code: code() });
    expect(verified.status).toBe(200);
    expect(verified.body.user.id).toBe(user.userId);
    expect(verified.body.session.auth_level).toBe('mfa');
    expect(sessionCookieOf(verified)).toBeDefined();
  });

  it('stops at the factor for a user with only a passkey, and the passkey finishes the OAuth sign-in', async () => {
    const user = await seedUser(t);
    const client = await sessionClient(t, user);
    const authenticator = new SoftwareAuthenticator({ origin: TEST_ORIGIN, rpId: 'didhub.io' });
    const registration = await client.post('/v1/auth/passkeys/registration-options').send({});
    expect((await client.post('/v1/auth/passkeys/register').send({ credential: authenticator.register(registration.body.options) })).status).toBe(201);

    const res = await oauthSignIn({ email: user.email, email_verified: true });
    expect(res.status).toBe(303);
    expect(sessionCookieOf(res)).toBeUndefined();
    const mfaToken = decodeURIComponent(new URL(res.headers.location).hash.replace(/^#mfa_token=/, ''));
    const options = await t.http().post('/v1/auth/mfa/passkey-options').send({ mfa_token: mfaToken });
    expect(options.status).toBe(200);
    const verified = await t.http().post('/v1/auth/mfa/verify').send({ mfa_token: mfaToken, passkey: authenticator.assert(options.body.options) });
    expect(verified.status).toBe(200);
    expect(verified.body.user.id).toBe(user.userId);
    expect(verified.body.session.auth_level).toBe('passkey');
    expect(sessionCookieOf(verified)).toBeDefined();
  });

  it('refuses a callback from a browser that did not start the flow, and unknown providers', async () => {
    const start = await t.http().get('/v1/auth/oauth/test/start');
    const callback = await signInAtProvider(start.headers.location, { email: uniqueEmail('csrf'), email_verified: true });
    const res = await t.http().get(callback.pathname + callback.search);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('oauth_state_invalid');
    expect(sessionCookieOf(res)).toBeUndefined();

    const unknown = await t.http().get('/v1/auth/oauth/nope/start');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('oauth_provider_unknown');
  });
});
