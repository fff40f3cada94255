import speakeasy from 'speakeasy';
import request from 'supertest';
import { mailsTo } from '../support/mailbox';
import { bearerClient, seedApiKey, seedSessionCookie, seedUser, sessionClient, type SeededUser } from '../support/seed';
import { SoftwareAuthenticator } from '../support/software-authenticator';
import { startTestApp, TEST_ORIGIN, type TestApp, type TestClient } from '../support/test-app';

describe("An account's sign-in policy (mfa_policy), over HTTP", () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  const cookieOf = (res: request.Response) =>
    ((res.headers['set-cookie'] as unknown as string[] | undefined) ?? []).find((c) => c.startsWith('didhub_sid=') && !c.startsWith('didhub_sid=;'))!.split(';')[0];
  const withCookie = (cookie: string) => t.http().set('Cookie', cookie).set('Origin', TEST_ORIGIN);
  const passwordLogin = (user: SeededUser) => t.http().post('/v1/auth/login').set('Origin', TEST_ORIGIN).send({ email: user.email, password: user.password });
  /** Moves the account's grace period into the past, as time passing would. */
  const endGrace = (accountId: string) => t.prisma.account.update({ where: { id: accountId }, data: { mfaGraceUntil: new Date(Date.now() - 1000) } });

  async function addPasskey(client: TestClient): Promise<SoftwareAuthenticator> {
    const authenticator = new SoftwareAuthenticator({ origin: TEST_ORIGIN, rpId: 'didhub.io' });
    const options = await client.post('/v1/auth/passkeys/registration-options').send({});
    expect(options.status).toBe(200);
    const res = await client.post('/v1/auth/passkeys/register').send({ credential: authenticator.register(options.body.options) });
    expect(res.status).toBe(201);
    return authenticator;
  }

  async function addTotp(user: SeededUser): Promise<() => Promise<string>> {
    const client = await sessionClient(t, user);
    const secret = (await client.post('/v1/auth/mfa/setup-start').send({})).body.secret as string;
    expect((await client.post('/v1/auth/mfa/setup-confirm').send({ code: speakeasy.totp({ secret, encoding: 'base32' }) })).status).toBe(200);
    // Each TOTP step is accepted once; tests sign in several times within one step.
    return async () => {
      await t.prisma.user.update({ where: { id: user.userId }, data: { mfaLastStep: null } });
      return speakeasy.totp({ secret, encoding: 'base32' });
    };
  }

  async function team() {
    const owner = await seedUser(t);
    const admin = await seedUser(t, { accountId: owner.accountId, role: 'admin' });
    const member = await seedUser(t, { accountId: owner.accountId, role: 'member' });
    return { owner, admin, member, ownerClient: await sessionClient(t, owner) };
  }

  it('only an owner’s recent session sets the policy; bad values are a 400 naming the field; keys cannot', async () => {
    const { owner, admin, ownerClient } = await team();
    const adminClient = await sessionClient(t, admin);
    expect((await adminClient.patch('/v1/account').send({ mfa_policy: 'required' })).body.error.code).toBe('owner_role_required');
    const key = await seedApiKey(t, owner.accountId);
    const byKey = await bearerClient(t, key).patch('/v1/account').send({ mfa_policy: 'required' });
    expect(byKey.status).toBe(403);
    expect(byKey.body.error.code).toBe('session_required');
    const bad = await ownerClient.patch('/v1/account').send({ mfa_policy: 'sometimes' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.param).toBe('mfa_policy');
    const tooLong = await ownerClient.patch('/v1/account').send({ mfa_policy: 'required', mfa_grace_period_days: 91 });
    expect(tooLong.body.error.param).toBe('mfa_grace_period_days');
    expect((await ownerClient.patch('/v1/account').send({})).status).toBe(400);
    // An owner without a second factor would lock themselves into set-up: refused until they have one.
    const unprotected = await ownerClient.patch('/v1/account').send({ mfa_policy: 'required' });
    expect(unprotected.status).toBe(409);
    expect(unprotected.body.error.code).toBe('mfa_policy_not_met_by_you');
    await addPasskey(ownerClient);

    await t.prisma.session.updateMany({ where: { userId: owner.userId }, data: { authenticatedAt: new Date(Date.now() - 11 * 60 * 1000) } });
    const stale = await ownerClient.patch('/v1/account').send({ mfa_policy: 'required' });
    expect(stale.status).toBe(403);
    expect(stale.body.error.code).toBe('reauthentication_required');
    expect((await ownerClient.get('/v1/account')).body.mfa_policy).toBe('off');
  });

  it('required: members are mailed the deadline, listed in the report with their factors, and keep working during the grace period', async () => {
    const { admin, member, ownerClient } = await team();
    await addPasskey(await sessionClient(t, admin));
    await addPasskey(ownerClient);
    const set = await ownerClient.patch('/v1/account').send({ mfa_policy: 'required', mfa_grace_period_days: 3 });
    expect(set.status).toBe(200);
    expect(set.body.mfa_policy).toBe('required');
    const graceUntil = Date.parse(set.body.mfa_grace_until);
    expect(Math.abs(graceUntil - (Date.now() + 3 * 86_400_000))).toBeLessThan(60_000);

    expect(mailsTo(t, member.email).some((m) => m.subject.includes('two-factor') && m.raw.includes(set.body.mfa_grace_until))).toBe(true);
    expect(mailsTo(t, admin.email).some((m) => m.subject.includes('two-factor'))).toBe(false);

    const report = await ownerClient.get('/v1/account/mfa-compliance');
    expect(report.status).toBe(200);
    expect(report.body.mfa_policy).toBe('required');
    expect(report.body.data.map((e: { user_id: string }) => e.user_id)).toEqual([member.userId]);
    expect(report.body.data[0]).toMatchObject({ status: 'grace', deadline: set.body.mfa_grace_until, factors: { totp: false, passkeys: 0 } });
    expect((await (await sessionClient(t, member)).get('/v1/account/mfa-compliance')).status).toBe(403);

    const members = await ownerClient.get('/v1/account/members');
    const adminRow = members.body.data.find((m: { user_id: string }) => m.user_id === admin.userId);
    expect(adminRow.factors).toEqual({ totp: false, passkeys: 1 });

    const login = await passwordLogin(member);
    expect(login.status).toBe(200);
    expect(login.body.mfa_setup_required).toEqual({ policy: 'required', grace_until: set.body.mfa_grace_until, setup_only: false });
    expect((await withCookie(cookieOf(login)).get('/v1/account')).status).toBe(200);
  });

  it('after the grace period a member without a factor gets a set-up-only session, and a passkey set up in it lifts the limit', async () => {
    const { owner, member, ownerClient } = await team();
    await addPasskey(ownerClient);
    expect((await ownerClient.patch('/v1/account').send({ mfa_policy: 'required' })).status).toBe(200);
    const during = cookieOf(await passwordLogin(member));
    await endGrace(owner.accountId);

    // A session from before the deadline is held to it as well.
    const refused = await withCookie(during).get('/v1/account');
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('mfa_setup_required');
    expect((await withCookie(during).get('/v1/auth/sessions')).status).toBe(403);

    const login = await passwordLogin(member);
    expect(login.status).toBe(200);
    expect(login.body.mfa_setup_required).toMatchObject({ policy: 'required', setup_only: true });
    const setup = withCookie(cookieOf(login));
    expect((await setup.get('/v1/auth/me')).body.mfa_setup_required.setup_only).toBe(true);
    expect((await setup.post('/v1/api-keys').send({ name: 'x' })).body.error.code).toBe('mfa_setup_required');

    await addPasskey(setup);
    expect((await setup.get('/v1/account')).status).toBe(200);
    expect((await setup.get('/v1/auth/me')).body.mfa_setup_required).toBeUndefined();
    // Nobody was removed.
    expect(await t.prisma.membership.count({ where: { accountId: owner.accountId } })).toBe(3);
  });

  it('phishing_resistant: TOTP no longer counts after the grace period, a passkey does; API keys are unaffected', async () => {
    const { owner, admin, member, ownerClient } = await team();
    const code = await addTotp(member);
    await addPasskey(ownerClient);
    expect((await ownerClient.patch('/v1/account').send({ mfa_policy: 'phishing_resistant' })).status).toBe(200);
    const report = await ownerClient.get('/v1/account/mfa-compliance');
    expect(report.body.data.map((e: { user_id: string }) => e.user_id).sort()).toEqual([admin.userId, member.userId].sort());
    expect(report.body.data.find((e: { user_id: string }) => e.user_id === member.userId).factors).toEqual({ totp: true, passkeys: 0 });
    await endGrace(owner.accountId);

    const first = await passwordLogin(member);
    const viaTotp = await t.http().post('/v1/auth/mfa/verify').send({ mfa_token: first.body.mfa_token, code: await code() });
    expect(viaTotp.status).toBe(200);
    expect(viaTotp.body.session.auth_level).toBe('mfa');
    expect(viaTotp.body.mfa_setup_required).toMatchObject({ policy: 'phishing_resistant', setup_only: true });
    const totpSession = withCookie(cookieOf(viaTotp));
    expect((await totpSession.get('/v1/account')).body.error.code).toBe('mfa_setup_required');

    const authenticator = await addPasskey(totpSession);
    expect((await totpSession.get('/v1/account')).status).toBe(200);
    const second = await passwordLogin(member);
    const options = await t.http().post('/v1/auth/mfa/passkey-options').send({ mfa_token: second.body.mfa_token });
    const viaPasskey = await t.http().post('/v1/auth/mfa/verify').send({ mfa_token: second.body.mfa_token, passkey: authenticator.assert(options.body.options) });
    expect(viaPasskey.body.session.auth_level).toBe('passkey');
    expect((await withCookie(cookieOf(viaPasskey)).get('/v1/account')).status).toBe(200);
    const after = (await ownerClient.get('/v1/account/mfa-compliance')).body.data as { user_id: string }[];
    expect(after.map((e) => e.user_id)).toEqual([admin.userId]);

    const key = await seedApiKey(t, owner.accountId);
    expect((await bearerClient(t, key).get('/v1/account')).status).toBe(200);
  });

  it('an admin resets a member’s second factor: factors gone, sessions ended, member mailed; owners and oneself are off limits', async () => {
    const { owner, admin, member } = await team();
    await addTotp(member);
    const memberClient = t.http().set('Cookie', await seedSessionCookie(t, member, 'mfa')).set('Origin', TEST_ORIGIN);
    await addPasskey(memberClient);
    const adminClient = await sessionClient(t, admin);
    const members = (await adminClient.get('/v1/account/members')).body.data as { id: string; user_id: string }[];
    const idOf = (u: SeededUser) => members.find((m) => m.user_id === u.userId)!.id;

    expect((await adminClient.post(`/v1/account/members/${idOf(owner)}/reset-mfa`).send({})).body.error.code).toBe('owner_role_required');
    expect((await adminClient.post(`/v1/account/members/${idOf(admin)}/reset-mfa`).send({})).status).toBe(400);
    expect((await adminClient.post('/v1/account/members/nope/reset-mfa').send({})).status).toBe(404);
    expect((await memberClient.post(`/v1/account/members/${idOf(admin)}/reset-mfa`).send({})).body.error.code).toBe('insufficient_role');
    await t.prisma.session.updateMany({ where: { userId: admin.userId }, data: { authenticatedAt: new Date(Date.now() - 11 * 60 * 1000) } });
    expect((await adminClient.post(`/v1/account/members/${idOf(member)}/reset-mfa`).send({})).body.error.code).toBe('reauthentication_required');
    await t.prisma.session.updateMany({ where: { userId: admin.userId }, data: { authenticatedAt: new Date() } });

    const reset = await adminClient.post(`/v1/account/members/${idOf(member)}/reset-mfa`).send({});
    expect(reset.status).toBe(200);
    expect(reset.body.factors).toEqual({ totp: false, passkeys: 0 });
    expect((await memberClient.get('/v1/auth/me')).status).toBe(401);
    expect(mailsTo(t, member.email).some((m) => m.subject.includes('second factor was reset'))).toBe(true);
    // The member signs in with the password alone again (no factor left) and is still a member.
    const login = await passwordLogin(member);
    expect(login.body.mfa_required).toBeUndefined();
    expect(login.body.account.id).toBe(owner.accountId);
    // Another account's member is not found.
    const stranger = await team();
    const strangerMember = (await stranger.ownerClient.get('/v1/account/members')).body.data[0].id;
    expect((await adminClient.post(`/v1/account/members/${strangerMember}/reset-mfa`).send({})).status).toBe(404);
  });

  it('policy switches racing sign-ins (10 concurrent sign-ins per switch, 3 switches): every sign-in succeeds, nobody is removed', async () => {
    const { owner, member, ownerClient } = await team();
    await addPasskey(ownerClient);
    const policies = ['required', 'off', 'phishing_resistant'] as const;
    for (let round = 0; round < 3; round++) {
      const [changed, ...logins] = await Promise.all([
        ownerClient.patch('/v1/account').send({ mfa_policy: policies[round], mfa_grace_period_days: 0 }),
        ...Array.from({ length: 10 }, () => passwordLogin(member)),
      ]);
      expect(changed.status).toBe(200);
      for (const login of logins) {
        expect(login.status).toBe(200);
        const standing = login.body.mfa_setup_required;
        if (standing) expect(standing.setup_only).toBe(true);
      }
      const after = await withCookie(cookieOf(await passwordLogin(member))).get('/v1/account');
      expect(after.status).toBe(policies[round] === 'off' ? 200 : 403);
    }
    expect(await t.prisma.membership.count({ where: { accountId: owner.accountId } })).toBe(3);
  });
});
