import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { seedUser } from '../support/seed';
import { startTestApp, type TestApp } from '../support/test-app';

/** Debian's chromium (.ci/run installs it); CHROMIUM_PATH points elsewhere. No browser download. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// The browser globals the page code below uses (the test tsconfig has no DOM library).
interface BrowserCredential {
  toJSON(): unknown;
}
declare const navigator: { credentials: { create(o: unknown): Promise<BrowserCredential>; get(o: unknown): Promise<BrowserCredential> } };
declare const PublicKeyCredential: { parseCreationOptionsFromJSON(o: unknown): unknown; parseRequestOptionsFromJSON(o: unknown): unknown };
interface ApiBody {
  options: unknown;
  object: string;
  name: string;
  user: { id: string };
  session: { auth_level: string };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * The dashboard's passkey flows in a real headless Chromium, with the DevTools protocol's
 * virtual authenticator (the WebAuthn domain) standing in for Touch ID: the page calls
 * navigator.credentials.create()/get() with the server's options exactly as the dashboard
 * would, and the browser, not the test, builds and signs every credential.
 */
describe('Passkeys in a real browser (Chromium virtual authenticator)', () => {
  let t: TestApp;
  let browser: Browser;
  let origin: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install chromium (or set CHROMIUM_PATH)`);
    // WebAuthn needs a domain for the relying party (never an IP): the page is served from https://localhost:<port>.
    const port = await freePort();
    origin = `https://localhost:${port}`;
    t = await startTestApp({ port, env: { WEBAUTHN_RP_ID: 'localhost', WEBAUTHN_ORIGINS: origin, DASHBOARD_ORIGINS: origin } });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--host-resolver-rules=MAP localhost 127.0.0.1',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function pageWithAuthenticator(): Promise<{ context: BrowserContext; page: Page; authenticatorId: string }> {
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    const page = await context.newPage();
    await page.goto(`${origin}/v1/health`);
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable', { enableUI: false });
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });
    return { context, page, authenticatorId };
  }

  it('registers a passkey after a password sign-in, then signs in with it alone', async () => {
    const user = await seedUser(t);
    const { context, page } = await pageWithAuthenticator();

    // The dashboard's own code, run in the page: fetch the options, hand them to the browser, post the result.
    const registered = await page.evaluate(
      async ({ email, password }) => {
        const post = async (path: string, body: unknown) => {
          const res = await fetch(path, { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
          return { status: res.status, body: (await res.json().catch(() => null)) as ApiBody };
        };
        const login = await post('/v1/auth/login', { email, password });
        const options = await post('/v1/auth/passkeys/registration-options', {});
        const credential = await navigator.credentials.create({
          publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options.body.options),
        });
        const register = await post('/v1/auth/passkeys/register', { credential: credential.toJSON(), name: 'Chromium virtual authenticator' });
        const me = (await fetch('/v1/auth/me', { credentials: 'same-origin' }).then((r) => r.json())) as ApiBody;
        await post('/v1/auth/logout', {});
        return { login: login.status, register, authLevel: me.session.auth_level };
      },
      { email: user.email, password: user.password },
    );
    expect(registered.login).toBe(200);
    expect(registered.register.status).toBe(201);
    expect(registered.register.body).toMatchObject({ object: 'passkey', name: 'Chromium virtual authenticator' });
    expect(registered.authLevel).toBe('passkey');
    const stored = await t.prisma.passkey.findFirstOrThrow({ where: { userId: user.userId } });
    // A COSE public key, nothing secret: the private key never left the (virtual) authenticator.
    expect(stored.publicKey.length).toBeGreaterThan(30);

    const signedIn = await page.evaluate(async () => {
      const post = async (path: string, body: unknown) => {
        const res = await fetch(path, { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        return { status: res.status, body: (await res.json().catch(() => null)) as ApiBody };
      };
      const before = (await fetch('/v1/auth/me', { credentials: 'same-origin' })).status;
      const options = await post('/v1/auth/passkeys/authentication-options', {});
      const assertion = await navigator.credentials.get({
        publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options.body.options),
      });
      const json = assertion.toJSON();
      const login = await post('/v1/auth/login/passkey', { credential: json });
      const me = await fetch('/v1/auth/me', { credentials: 'same-origin' });
      // The same assertion again: the challenge was single use.
      const replay = await post('/v1/auth/login/passkey', { credential: json });
      return { before, login, me: me.status, replay: replay.status };
    });
    expect(signedIn.before).toBe(401);
    expect({ status: signedIn.login.status, error: signedIn.login.status === 200 ? null : signedIn.login.body }).toEqual({ status: 200, error: null });
    expect(signedIn.login.body.user.id).toBe(user.userId);
    expect(signedIn.login.body.session.auth_level).toBe('passkey');
    expect(signedIn.me).toBe(200);
    expect(signedIn.replay).toBe(401);
    const used = await t.prisma.passkey.findFirstOrThrow({ where: { userId: user.userId } });
    expect(used.lastUsedAt).not.toBeNull();
    await context.close();
  });
});
