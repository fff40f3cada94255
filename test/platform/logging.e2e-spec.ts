import speakeasy from 'speakeasy';
import { latestToken } from '../support/mailbox';
import { uniqueEmail } from '../support/seed';
import { startTestApp, TEST_ADMIN_TOKEN, TEST_ORIGIN, type TestApp } from '../support/test-app';

/** Credentials and personal data never reach the logs, even at the most verbose level. */
describe('structured logs', () => {
  const lines: string[] = [];
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { LOG_LEVEL: 'trace' }, captureLogs: lines });
  });
  afterAll(async () => {
    await t.close();
  });

  it('carry the request id on application lines written while serving a request, not only on the access line', async () => {
    const from = lines.length;
    const res = await t.http().post('/v1/auth/signup').send({ email: uniqueEmail('scoped'), password: 'a rather long passphrase 9', name: 'Req', account_name: 'Req Ltd' }).expect(202);
    const requestId = res.headers['x-request-id'] as string;
    const entries = lines.slice(from).map((line) => JSON.parse(line) as { msg: string; request_id?: string; file?: string });
    const mail = entries.find((e) => e.msg === 'mail written');
    expect(mail).toMatchObject({ request_id: requestId, file: expect.stringMatching(/\.eml$/) });
    expect(mail!.file!.startsWith(t.config.mailDir)).toBe(true);
    // Lines written outside any request (start-up, timers) carry none.
    expect(lines.slice(0, 3).map((line) => JSON.parse(line).request_id)).toEqual([undefined, undefined, undefined]);
  });

  it('hold request ids and paths but no password, token, cookie, key, TOTP secret, e-mail or phone number', async () => {
    const email = uniqueEmail('logged');
    const password = 'a rather long passphrase 9';
    await t.http().post('/v1/auth/signup').send({ email, password, name: 'Logan', account_name: 'Logs Ltd' }).expect(202);
    const token = latestToken(t, email);
    const verified = await t.http().post('/v1/auth/verify-email').send({ token }).expect(200);
    const cookie = String(verified.headers['set-cookie']).split(';')[0];
    const accountId = verified.body.account.id as string;
    const session = t.http().set('Cookie', cookie).set('Origin', TEST_ORIGIN);

    await t.http().patch(`/v1/admin/accounts/${accountId}`).set('Authorization', `Bearer ${TEST_ADMIN_TOKEN}`).send({ api_keys_enabled: true }).expect(200);
    const created = await session.post('/v1/api-keys').send({ name: 'logged key' }).expect(201);
    const key = created.body.key as string;
    await t.http().get('/v1/cdrs?number=%2B15551234567').set('Authorization', `Bearer ${key}`).expect(200);
    await t.http().get('/v1/account').set('Authorization', 'Bearer didhub_live_wrong').expect(401);
    await t.http().post('/v1/auth/login').send({ email, password: 'wrong wrong wrong' }).expect(401);

    const setup = await session.post('/v1/auth/mfa/setup-start').send({}).expect(200);
    const secret = setup.body.secret as string;
    const code = speakeasy.totp({ secret, encoding: 'base32' });
    await session.post('/v1/auth/mfa/setup-confirm').send({ code }).expect(200);

    const log = lines.join('');
    expect(lines.length).toBeGreaterThan(5);
    expect(log).toContain(verified.headers['x-request-id']);
    expect(log).toContain('/v1/auth/signup');
    for (const secretValue of [password, token, cookie.split('=')[1], key, key.slice(12, 30), secret, code, email, '15551234567']) {
      expect(log).not.toContain(secretValue);
    }
  });

  it('log one line per request with its id, method, path without the query, status and time, but not liveness probes', async () => {
    const listed = await t.http().get('/v1/cdrs?number=%2B15551234567').expect(401);
    await t.http().get('/v1/health').expect(200);
    const requestId = listed.headers['x-request-id'] as string;
    // The line is written when the response closes, just after the client has it.
    let line: Record<string, unknown> | undefined;
    for (let i = 0; i < 50 && !line; i++) {
      line = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => (l.req as { id?: string } | undefined)?.id === requestId);
      if (!line) await new Promise((resolve) => setImmediate(resolve));
    }
    expect(line).toMatchObject({ msg: 'request completed', req: { id: requestId, method: 'GET', path: '/v1/cdrs' }, res: { status: 401 } });
    expect(typeof line!.responseTime).toBe('number');
    expect(lines.some((l) => l.includes('"path":"/v1/health"'))).toBe(false);
  });
});
