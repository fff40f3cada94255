import { createHash } from 'node:crypto';
import speakeasy from 'speakeasy';
import { latestToken } from '../support/mailbox';
import { SEED_PASSWORD, seedSessionCookie, seedUser, sessionClient, type SeededUser } from '../support/seed';
import { startTestApp, TEST_ORIGIN, type TestApp, type TestClient } from '../support/test-app';

const codeAt = (secret: string, offsetSteps = 0) =>
  speakeasy.totp({ secret, encoding: 'base32', time: Math.floor(Date.now() / 1000) + offsetSteps * 30 });
/** A 6-digit code that is certainly not the current one. */
const wrongCode = (secret: string, i: number) => String((Number(codeAt(secret)) + 7 + i) % 1_000_000).padStart(6, '0');

/**
 * One proof service for every sensitive action: with MFA on only a current code proves it is the
 * user, wrong codes lock like at sign-in, and sensitive actions need a recent (MFA-grade) sign-in.
 */
describe('sensitive actions: step-up and MFA rules', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const client = (cookie: string): TestClient => t.http().set('Cookie', cookie).set('Origin', TEST_ORIGIN);

  async function makeStale(user: SeededUser): Promise<void> {
    await t.prisma.session.updateMany({
      where: { userId: user.userId },
      data: { authenticatedAt: new Date(Date.now() - 3 * 60 * 60 * 1000) },
    });
  }

  /** MFA on through the API; returns the secret, the recovery codes and an `mfa` session cookie. */
  async function withMfa(options: { apiKeysEnabled?: boolean } = {}) {
    const user = await seedUser(t, options);
    const setup = await sessionClient(t, user);
    const secret = (await setup.post('/v1/auth/mfa/setup-start').send({}).expect(200)).body.secret as string;
    const confirm = await setup.post('/v1/auth/mfa/setup-confirm').send({ code: codeAt(secret) }).expect(200);
    await t.prisma.user.update({ where: { id: user.userId }, data: { mfaLastStep: null } });
    const cookie = await seedSessionCookie(t, user, 'mfa');
    return { user, secret, recoveryCodes: confirm.body.recovery_codes as string[], cookie };
  }

  describe('with MFA on, the password alone proves nothing', () => {
    it('refuses to disable MFA with the password, even on a fresh session', async () => {
      const { user, cookie } = await withMfa();
      const res = await client(cookie).post('/v1/auth/mfa/disable').send({ password: SEED_PASSWORD }).expect(400);
      expect(res.body.error).toMatchObject({ code: 'parameter_missing', param: 'code' });
      expect((await t.prisma.user.findUniqueOrThrow({ where: { id: user.userId } })).mfaEnabled).toBe(true);
    });

    it('refuses to disable MFA with the password from a stale stolen session', async () => {
      const { user, cookie } = await withMfa();
      await makeStale(user);
      await client(cookie).post('/v1/auth/mfa/disable').send({ password: SEED_PASSWORD }).expect(400);
      expect((await t.prisma.user.findUniqueOrThrow({ where: { id: user.userId } })).mfaEnabled).toBe(true);
    });

    it('refuses to regenerate recovery codes with the password', async () => {
      const { user, cookie } = await withMfa();
      const before = await t.prisma.mfaRecoveryCode.findMany({ where: { userId: user.userId }, orderBy: { id: 'asc' } });
      await client(cookie).post('/v1/auth/mfa/recovery-codes').send({ password: SEED_PASSWORD }).expect(400);
      const after = await t.prisma.mfaRecoveryCode.findMany({ where: { userId: user.userId }, orderBy: { id: 'asc' } });
      expect(after).toEqual(before);
    });

    it('accepts a recovery code as the proof to disable MFA', async () => {
      const { recoveryCodes, cookie } = await withMfa();
      const res = await client(cookie).post('/v1/auth/mfa/disable').send({ code: recoveryCodes[3] }).expect(200);
      expect(res.body.enabled).toBe(false);
    });

    it('refuses an API key from a recent password-level session of a user who since turned MFA on, until a code step-up', async () => {
      const { user, secret } = await withMfa({ apiKeysEnabled: true });
      // Signed in with the password only (before MFA was on, or a copy of an old cookie): recent, but not MFA-grade.
      const weak = client(await seedSessionCookie(t, user, 'password'));
      const refused = await weak.post('/v1/api-keys').send({ name: 'ci' }).expect(403);
      expect(refused.body.error.code).toBe('reauthentication_required');
      await weak.post('/v1/auth/password/change').send({ current_password: SEED_PASSWORD, new_password: 'another long passphrase 7' }).expect(403);
      await weak.post('/v1/auth/reauthenticate').send({ code: codeAt(secret) }).expect(200);
      await weak.post('/v1/api-keys').send({ name: 'ci' }).expect(201);
    });
  });

  describe('enabling MFA needs a recent sign-in', () => {
    it('refuses setup-start from a 3-hour-old session', async () => {
      const user = await seedUser(t);
      const cookie = await seedSessionCookie(t, user);
      await makeStale(user);
      const res = await client(cookie).post('/v1/auth/mfa/setup-start').send({}).expect(403);
      expect(res.body.error.code).toBe('reauthentication_required');
      expect((await t.prisma.user.findUniqueOrThrow({ where: { id: user.userId } })).mfaPendingSecretEnc).toBeNull();
    });

    it('refuses setup-confirm from a stale session, and allows setup after a password step-up', async () => {
      const user = await seedUser(t);
      const c = client(await seedSessionCookie(t, user));
      const secret = (await c.post('/v1/auth/mfa/setup-start').send({}).expect(200)).body.secret as string;
      await makeStale(user);
      const refused = await c.post('/v1/auth/mfa/setup-confirm').send({ code: codeAt(secret) }).expect(403);
      expect(refused.body.error.code).toBe('reauthentication_required');
      expect((await t.prisma.user.findUniqueOrThrow({ where: { id: user.userId } })).mfaEnabled).toBe(false);
      await c.post('/v1/auth/reauthenticate').send({ password: SEED_PASSWORD }).expect(200);
      await c.post('/v1/auth/mfa/setup-confirm').send({ code: codeAt(secret) }).expect(200);
    });
  });

  describe('wrong codes count toward the sign-in challenge lock-out', () => {
    const cases: [string, string][] = [
      ['step-up', '/v1/auth/reauthenticate'],
      ['MFA disable', '/v1/auth/mfa/disable'],
      ['recovery-code regeneration', '/v1/auth/mfa/recovery-codes'],
    ];
    for (const [name, path] of cases) {
      it(`locks ${name} after 5 wrong codes: the right code then gets 429 mfa_locked, and so does sign-in`, async () => {
        const { user, secret, cookie } = await withMfa();
        for (let i = 0; i < 5; i++) {
          const res = await client(cookie).post(path).send({ code: wrongCode(secret, i) }).expect(401);
          expect(res.body.error.code).toBe('mfa_code_invalid');
        }
        const locked = await client(cookie).post(path).send({ code: codeAt(secret) }).expect(429);
        expect(locked.body.error.code).toBe('mfa_locked');
        expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
        expect((await t.prisma.user.findUniqueOrThrow({ where: { id: user.userId } })).mfaEnabled).toBe(true);

        const login = await t.http().post('/v1/auth/login').send({ email: user.email, password: SEED_PASSWORD }).expect(200);
        const verify = await t.http().post('/v1/auth/mfa/verify').send({ mfa_token: login.body.mfa_token, code: codeAt(secret) });
        expect(verify.status).toBe(429);
      });
    }

    it('refuses step-up codes while a sign-in challenge is locked', async () => {
      const { user, secret, cookie } = await withMfa();
      const login = await t.http().post('/v1/auth/login').send({ email: user.email, password: SEED_PASSWORD }).expect(200);
      for (let i = 0; i < 5; i++) {
        await t.http().post('/v1/auth/mfa/verify').send({ mfa_token: login.body.mfa_token, code: wrongCode(secret, i) }).expect(401);
      }
      const res = await client(cookie).post('/v1/auth/reauthenticate').send({ code: codeAt(secret) }).expect(429);
      expect(res.body.error.code).toBe('mfa_locked');
    });

    it('starts the count again after a right code, and lifts an expired lock', async () => {
      const { user, secret, cookie } = await withMfa();
      for (let i = 0; i < 4; i++) await client(cookie).post('/v1/auth/reauthenticate').send({ code: wrongCode(secret, i) }).expect(401);
      await client(cookie).post('/v1/auth/reauthenticate').send({ code: codeAt(secret) }).expect(200);
      for (let i = 0; i < 4; i++) await client(cookie).post('/v1/auth/reauthenticate').send({ code: wrongCode(secret, i) }).expect(401);
      await client(cookie).post('/v1/auth/reauthenticate').send({ code: wrongCode(secret, 9) }).expect(401);
      await client(cookie).post('/v1/auth/reauthenticate').send({ code: codeAt(secret, 1) }).expect(429);
      // The lock ran out (moved in the database, not waited for).
      await t.prisma.mfaChallenge.updateMany({ where: { userId: user.userId }, data: { lockedUntil: new Date(Date.now() - 1000) } });
      await client(cookie).post('/v1/auth/reauthenticate').send({ code: codeAt(secret, 1) }).expect(200);
    });
  });

  describe('mailed tokens: one used or a new password spends them all', () => {
    const forgot = async (email: string) => {
      await t.http().post('/v1/auth/password/forgot').send({ email }).expect(202);
      return waitForNewToken(email, 'Reset');
    };
    const seen = new Set<string>();
    /** The newest token mailed to `email` that this suite has not seen yet (mail may leave after the answer). */
    async function waitForNewToken(email: string, subject: string): Promise<string> {
      for (let i = 0; i < 200; i++) {
        try {
          const token = latestToken(t, email, subject);
          if (!seen.has(token)) {
            seen.add(token);
            return token;
          }
        } catch {
          // not there yet
        }
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error(`no new "${subject}" mail to ${email}`);
    }

    it('refuses an older reset link after a reset with a newer one', async () => {
      const user = await seedUser(t);
      const older = await forgot(user.email);
      const newer = await forgot(user.email);
      await t.http().post('/v1/auth/password/reset').send({ token: newer, new_password: 'first new passphrase 1' }).expect(200);
      const res = await t.http().post('/v1/auth/password/reset').send({ token: older, new_password: 'attacker passphrase 22' }).expect(400);
      expect(res.body.error.code).toBe('token_invalid');
      await t.http().post('/v1/auth/login').send({ email: user.email, password: 'first new passphrase 1' }).expect(200);
    });

    it('refuses an outstanding reset link after a password change', async () => {
      const user = await seedUser(t);
      const link = await forgot(user.email);
      const c = await sessionClient(t, user);
      await c.post('/v1/auth/password/change').send({ current_password: SEED_PASSWORD, new_password: 'changed passphrase 33' }).expect(204);
      await t.http().post('/v1/auth/password/reset').send({ token: link, new_password: 'attacker passphrase 22' }).expect(400);
    });

    it('refuses a second verification link once the first was used', async () => {
      const email = `verify.${Date.now()}.${Math.random().toString(36).slice(2)}@example.com`;
      const signup = { email, password: 'a signup passphrase 44', name: 'Ver', account_name: 'Ver Ltd' };
      await t.http().post('/v1/auth/signup').send(signup).expect(202);
      const first = await waitForNewToken(email, '');
      await t.http().post('/v1/auth/signup').send(signup).expect(202);
      const second = await waitForNewToken(email, '');
      expect(second).not.toBe(first);
      const signedIn = await t.http().post('/v1/auth/verify-email').send({ token: first }).expect(200);
      expect(signedIn.headers['set-cookie']).toBeDefined();
      const res = await t.http().post('/v1/auth/verify-email').send({ token: second }).expect(400);
      expect(res.body.error.code).toBe('token_invalid');
    });
  });

  it('stores recovery codes under a keyed hash, not a plain SHA-256', async () => {
    const { user, recoveryCodes } = await withMfa();
    const stored = (await t.prisma.mfaRecoveryCode.findMany({ where: { userId: user.userId } })).map((r) => r.codeHmac);
    expect(stored).toHaveLength(10);
    for (const code of recoveryCodes) {
      const normalised = code.replace('-', '');
      for (const candidate of [code, normalised, `didhub-recovery:${normalised}`]) {
        expect(stored).not.toContain(createHash('sha256').update(candidate).digest('hex'));
      }
    }
  });

  it('leaves no unkeyed hash of a password or code in any stored row', async () => {
    const { user, secret, recoveryCodes, cookie } = await withMfa();
    const password = 'a fresh passphrase for hashing 91';
    const c = client(cookie);
    const totp = codeAt(secret);
    await c.post('/v1/auth/reauthenticate').set('Idempotency-Key', `unkeyed-${user.userId}`).send({ code: totp }).expect(200);
    const regenerated = await c.post('/v1/auth/mfa/recovery-codes').set('Idempotency-Key', `regen-${user.userId}`).send({ code: recoveryCodes[0] }).expect(200);
    await c.post('/v1/auth/password/change').set('Idempotency-Key', `change-${user.userId}`)
      .send({ current_password: SEED_PASSWORD, new_password: password }).expect(204);
    await t.http().post('/v1/auth/login').send({ email: user.email, password: 'a wrong guess 1234' }).expect(401);

    const tables = await t.prisma.$queryRawUnsafe<{ table_name: string }[]>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    let dump = '';
    for (const { table_name } of tables) {
      const rows = await t.prisma.$queryRawUnsafe<{ row: string }[]>(`SELECT row_to_json(x)::text AS row FROM "${table_name}" x`);
      dump += rows.map((r) => r.row).join('\n');
    }
    const secrets = [SEED_PASSWORD, password, 'a wrong guess 1234', totp, ...recoveryCodes, ...(regenerated.body.recovery_codes as string[])];
    for (const value of secrets) {
      for (const form of [value, value.replace('-', ''), `didhub-recovery:${value.replace('-', '')}`]) {
        const digest = createHash('sha256').update(form).digest();
        expect(dump).not.toContain(digest.toString('hex'));
        expect(dump).not.toContain(digest.toString('base64'));
      }
    }
    // Not even the bodies that carried them, hashed whole or as a request fingerprint.
    const bodies: [string, object][] = [
      ['/v1/auth/reauthenticate', { code: totp }],
      ['/v1/auth/password/change', { current_password: SEED_PASSWORD, new_password: password }],
    ];
    for (const [path, body] of bodies) {
      const json = JSON.stringify(body);
      expect(dump).not.toContain(createHash('sha256').update(json).digest('hex'));
      expect(dump).not.toContain(createHash('sha256').update(`POST\n${path}\njson:${json}`).digest('hex'));
    }
  });
});
