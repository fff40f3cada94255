import { createHash } from 'node:crypto';
import { latestToken, mailsTo } from '../support/mailbox';
import { uniqueEmail } from '../support/seed';
import { startTestApp, TEST_ORIGIN, type TestApp } from '../support/test-app';
import { sessionCookieOf, setCookies } from '../support/cookies';

const PASSWORD = 'a sturdy passphrase 42';

describe('sign-up and email verification', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const signup = (body: Record<string, unknown>) => t.http().post('/v1/auth/signup').send(body);

  it('creates an unverified owner and mails a verification link whose token is stored only as a hash', async () => {
    const email = uniqueEmail('signup');
    const res = await signup({ email, password: PASSWORD, name: 'Ada Lovelace', account_name: 'Engines Ltd' }).expect(202);
    expect(res.body).toEqual({ status: 'pending_verification' });

    const mails = mailsTo(t, email);
    expect(mails).toHaveLength(1);
    expect(mails[0].subject).toContain('Verify');
    expect(mails[0].raw).toContain(`${TEST_ORIGIN}/verify-email?token=`);
    const token = latestToken(t, email, 'Verify');

    const user = await t.prisma.user.findUniqueOrThrow({ where: { email }, include: { memberships: { include: { account: true } } } });
    expect(user.emailVerifiedAt).toBeNull();
    expect(user.passwordHash).toMatch(/^\$2[aby]\$10\$/);
    expect(user.memberships).toHaveLength(1);
    expect(user.memberships[0].role).toBe('owner');
    expect(user.memberships[0].account.name).toBe('Engines Ltd');
    expect(user.defaultAccountId).toBe(user.memberships[0].accountId);

    const tokens = await t.prisma.emailToken.findMany({ where: { userId: user.id } });
    expect(tokens).toHaveLength(1);
    expect(tokens[0].purpose).toBe('verify_email');
    expect(tokens[0].tokenHash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(JSON.stringify(tokens)).not.toContain(token);
    const ttlHours = (tokens[0].expiresAt.getTime() - tokens[0].createdAt.getTime()) / 3_600_000;
    expect(ttlHours).toBeGreaterThan(23.9);
    expect(ttlHours).toBeLessThanOrEqual(24.01);
  });

  it('refuses sign-in before verification, then verifies once, signs in and refuses the same token again', async () => {
    const email = uniqueEmail('verify');
    await signup({ email, password: PASSWORD, name: 'Grace', account_name: 'Compilers Inc' }).expect(202);
    const login = await t.http().post('/v1/auth/login').send({ email, password: PASSWORD }).expect(403);
    expect(login.body.error.code).toBe('email_not_verified');

    const token = latestToken(t, email, 'Verify');
    const verified = await t.http().post('/v1/auth/verify-email').send({ token }).expect(200);
    expect(verified.body.user).toMatchObject({ object: 'user', email, email_verified: true, mfa_enabled: false });
    expect(verified.body.account).toMatchObject({ object: 'account', name: 'Compilers Inc', role: 'owner' });
    const issued = setCookies(verified).find((c) => c.startsWith('didhub_sid='))!.toLowerCase();
    for (const attribute of ['httponly', 'secure', 'samesite=lax', 'path=/']) expect(issued).toContain(attribute);
    const cookie = sessionCookieOf(verified);
    const me = await t.http().get('/v1/auth/me').set('Cookie', cookie).expect(200);
    expect(me.body.user.email).toBe(email);
    expect(me.body.session.id).toBe(verified.body.session.id);

    const again = await t.http().post('/v1/auth/verify-email').send({ token }).expect(400);
    expect(again.body.error).toMatchObject({ code: 'token_invalid', param: 'token' });
    await t.http().post('/v1/auth/login').send({ email, password: PASSWORD }).expect(200);
  });

  it('refuses an expired or unknown verification token with the same error', async () => {
    const email = uniqueEmail('expired');
    await signup({ email, password: PASSWORD, name: 'Expired', account_name: 'Late Ltd' }).expect(202);
    const token = latestToken(t, email, 'Verify');
    await t.prisma.emailToken.updateMany({
      where: { tokenHash: createHash('sha256').update(token).digest('hex') },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const expired = await t.http().post('/v1/auth/verify-email').send({ token }).expect(400);
    const unknown = await t.http().post('/v1/auth/verify-email').send({ token: 'x'.repeat(32) }).expect(400);
    expect(expired.body.error.code).toBe('token_invalid');
    expect({ ...unknown.body.error, request_id: null }).toEqual({ ...expired.body.error, request_id: null });
    const user = await t.prisma.user.findUniqueOrThrow({ where: { email } });
    expect(user.emailVerifiedAt).toBeNull();
  });

  it('answers 202 for an address that already has an account and mails a notice instead of creating anything', async () => {
    const email = uniqueEmail('existing');
    await signup({ email, password: PASSWORD, name: 'First', account_name: 'First Ltd' }).expect(202);
    const token = latestToken(t, email, 'Verify');
    await t.http().post('/v1/auth/verify-email').send({ token }).expect(200);
    const before = await t.prisma.user.findUniqueOrThrow({ where: { email } });

    const res = await signup({ email: email.toUpperCase(), password: 'another passphrase 77', name: 'Second', account_name: 'Second Ltd' }).expect(202);
    expect(res.body).toEqual({ status: 'pending_verification' });

    const mails = mailsTo(t, email);
    expect(mails).toHaveLength(2);
    expect(mails[1].subject).toBe('You already have a DIDHub account');
    expect(mails[1].raw).not.toMatch(/token=/);
    const after = await t.prisma.user.findUniqueOrThrow({ where: { email }, include: { memberships: true } });
    expect(after.passwordHash).toBe(before.passwordHash);
    expect(after.name).toBe('First');
    expect(after.memberships).toHaveLength(1);
    expect(await t.prisma.account.count({ where: { name: 'Second Ltd' } })).toBe(0);
  });

  it('sends an unverified address that signs up again a fresh verification link with the notice', async () => {
    const email = uniqueEmail('again');
    await signup({ email, password: PASSWORD, name: 'Again', account_name: 'Again Ltd' }).expect(202);
    await signup({ email, password: PASSWORD, name: 'Again', account_name: 'Again Ltd' }).expect(202);
    const mails = mailsTo(t, email);
    expect(mails.map((m) => m.subject)).toEqual(['Verify your DIDHub email address', 'You already have a DIDHub account']);
    const token = latestToken(t, email, 'already');
    await t.http().post('/v1/auth/verify-email').send({ token }).expect(200);
  });

  it('normalises the address: trimmed and lower-cased', async () => {
    const email = uniqueEmail('mixed');
    await signup({ email: `  ${email.toUpperCase()} `, password: PASSWORD, name: 'Mixed', account_name: 'Case Ltd' }).expect(202);
    expect(await t.prisma.user.count({ where: { email } })).toBe(1);
    expect(mailsTo(t, email)).toHaveLength(1);
  });

  it.each([
    ['too short', 'short1!', 'password'],
    ['too long', 'x1'.repeat(65), 'password'],
    ['a common password', 'Password123', 'password'],
    ['a single repeated character', 'aaaaaaaaaaaa', 'password'],
  ])('refuses a password that is %s, naming the field', async (_label, password, param) => {
    const email = uniqueEmail('weak');
    const res = await signup({ email, password, name: 'Weak', account_name: 'Weak Ltd' }).expect(400);
    expect(res.body.error.param).toBe(param);
    expect(await t.prisma.user.count({ where: { email } })).toBe(0);
    expect(mailsTo(t, email)).toHaveLength(0);
  });

  it('refuses a password equal to the local part of the address', async () => {
    const email = `longlocalpart${Date.now()}@example.com`;
    const res = await signup({ email, password: email.split('@')[0].toUpperCase(), name: 'Me', account_name: 'Me Ltd' }).expect(400);
    expect(res.body.error).toMatchObject({ code: 'password_too_weak', param: 'password' });
  });

  it.each([
    [{ email: 'not-an-email', password: PASSWORD, name: 'N', account_name: 'A' }, 'email'],
    [{ email: 42, password: PASSWORD, name: 'N', account_name: 'A' }, 'email'],
    [{ email: 'ok@example.com', password: PASSWORD, name: '', account_name: 'A' }, 'name'],
    [{ email: 'ok@example.com', password: PASSWORD, name: 'N' }, 'account_name'],
    [{ email: 'ok@example.com', password: PASSWORD, name: 'N', account_name: 'A', role: 'admin' }, 'role'],
  ])('answers 400 naming the bad field (%#)', async (body, param) => {
    const res = await signup(body).expect(400);
    expect(res.body.error).toMatchObject({ type: 'invalid_request_error', param });
  });
});
