import { hashInvitationToken } from '../../src/identity/accounts/invitation-token';
import { newId } from '../../src/platform/ids/ids';
import { latestToken, mailsTo } from '../support/mailbox';
import {
  bearerClient,
  seedApiKey,
  seedSessionCookie,
  seedUser,
  sessionClient,
  uniqueEmail,
  type SeededUser,
} from '../support/seed';
import { startTestApp, TEST_ORIGIN, type TestApp } from '../support/test-app';

/** The token from the newest invitation mail to `address` (mailbox.ts decodes quoted-printable). */
function invitationToken(t: TestApp, address: string): string {
  return latestToken(t, address, 'invited');
}

describe('accounts, members and roles', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  /** A client acting as `user`; a fresh session each call. */
  const as = (user: Pick<SeededUser, 'userId' | 'accountId'>) => sessionClient(t, user);

  /** The membership row id of `user` in their account. */
  const membershipOf = async (user: SeededUser, accountId = user.accountId) =>
    (await t.prisma.membership.findUniqueOrThrow({ where: { accountId_userId: { accountId, userId: user.userId } } })).id;

  /** An account with an owner, an admin and a member. */
  async function team() {
    const owner = await seedUser(t, { role: 'owner' });
    const admin = await seedUser(t, { role: 'admin', accountId: owner.accountId });
    const member = await seedUser(t, { role: 'member', accountId: owner.accountId });
    return { owner, admin, member, accountId: owner.accountId };
  }

  describe('the account', () => {
    it('is readable with a session or an API key', async () => {
      const owner = await seedUser(t, { apiKeysEnabled: true });
      const bySession = await (await as(owner)).get('/v1/account').expect(200);
      expect(bySession.body).toMatchObject({ object: 'account', id: owner.accountId, status: 'active', api_keys_enabled: true });
      expect(Date.parse(bySession.body.created_at)).not.toBeNaN();
      const key = await seedApiKey(t, owner.accountId, ['cdrs:read']);
      const byKey = await bearerClient(t, key).get('/v1/account').expect(200);
      expect(byKey.body).toEqual(bySession.body);
    });

    it('can be renamed by owners, admins and API keys with *, not by members or narrower keys', async () => {
      const { owner, admin, member } = await team();
      const renamed = await (await as(owner)).patch('/v1/account').send({ name: '  Acme Telecom  ' }).expect(200);
      expect(renamed.body).toMatchObject({ object: 'account', name: 'Acme Telecom' });
      await (await as(admin)).patch('/v1/account').send({ name: 'Acme by admin' }).expect(200);
      const refused = await (await as(member)).patch('/v1/account').send({ name: 'Mine now' }).expect(403);
      expect(refused.body.error.code).toBe('insufficient_role');
      const account = await t.prisma.account.findUniqueOrThrow({ where: { id: owner.accountId } });
      expect(account.name).toBe('Acme by admin');

      await t.prisma.account.update({ where: { id: owner.accountId }, data: { apiKeysEnabled: true } });
      const narrow = await seedApiKey(t, owner.accountId, ['cdrs:read']);
      const byNarrowKey = await bearerClient(t, narrow).patch('/v1/account').send({ name: 'Narrow' }).expect(403);
      expect(byNarrowKey.body.error).toMatchObject({ code: 'insufficient_permissions' });
      expect((await t.prisma.account.findUniqueOrThrow({ where: { id: owner.accountId } })).name).toBe('Acme by admin');

      const key = await seedApiKey(t, owner.accountId, ['*']);
      const byKey = await bearerClient(t, key).patch('/v1/account').send({ name: 'Renamed by key' }).expect(200);
      expect(byKey.body).toMatchObject({ object: 'account', id: owner.accountId, name: 'Renamed by key' });
      const read = await bearerClient(t, key).get('/v1/account').expect(200);
      expect(read.body.name).toBe('Renamed by key');
      // Member management stays with dashboard sessions.
      const members = await bearerClient(t, key).get('/v1/account/members').expect(403);
      expect(members.body.error.code).toBe('session_required');
    });

    it('refuses a bad name naming the field', async () => {
      const owner = await seedUser(t);
      const client = await as(owner);
      for (const body of [{ name: '   ' }, { name: 'x'.repeat(101) }, { name: 42 }, {}]) {
        const res = await client.patch('/v1/account').send(body).expect(400);
        expect(res.body.error).toMatchObject({ code: 'parameter_invalid', param: 'name' });
      }
      const unknown = await client.patch('/v1/account').send({ name: 'ok', status: 'closed' }).expect(400);
      expect(unknown.body.error.param).toBe('status');
    });
  });

  describe('the member list', () => {
    it("lists the current account's members with their roles, oldest first, in pages", async () => {
      const { owner, admin, member, accountId } = await team();
      const outsider = await seedUser(t);
      const client = await as(member);
      const all = await client.get('/v1/account/members').expect(200);
      expect(all.body).toMatchObject({ object: 'list', has_more: false, next_cursor: null });
      expect(all.body.data.map((m: { user_id: string }) => m.user_id)).toEqual([owner.userId, admin.userId, member.userId]);
      expect(all.body.data[0]).toEqual({
        object: 'member',
        id: await membershipOf(owner),
        account_id: accountId,
        user_id: owner.userId,
        email: owner.email,
        name: 'Test User',
        role: 'owner',
        permissions: [],
        created_at: expect.any(String),
        factors: { totp: false, passkeys: 0 },
      });
      expect(JSON.stringify(all.body)).not.toContain(outsider.userId);

      const first = await client.get('/v1/account/members?limit=2').expect(200);
      expect(first.body.data).toHaveLength(2);
      expect(first.body.has_more).toBe(true);
      const second = await client.get(`/v1/account/members?limit=2&cursor=${encodeURIComponent(first.body.next_cursor)}`).expect(200);
      expect(second.body.data.map((m: { user_id: string }) => m.user_id)).toEqual([member.userId]);
      expect(second.body.has_more).toBe(false);

      // A cursor from another list is refused.
      const sessions = await client.get('/v1/auth/sessions?limit=1').expect(200);
      if (sessions.body.next_cursor) {
        await client.get(`/v1/account/members?cursor=${encodeURIComponent(sessions.body.next_cursor)}`).expect(400);
      }
    });

    it('is for dashboard sessions only', async () => {
      const owner = await seedUser(t, { apiKeysEnabled: true });
      const key = await seedApiKey(t, owner.accountId);
      const res = await bearerClient(t, key).get('/v1/account/members').expect(403);
      expect(res.body.error.code).toBe('session_required');
    });
  });

  describe('adding members', () => {
    it('invites a registered address like any other: same answer, nobody added until they accept', async () => {
      const { owner, accountId } = await team();
      const colleague = await seedUser(t);
      const stranger = uniqueEmail('nobody');
      const known = await (await as(owner))
        .post('/v1/account/members')
        .send({ email: `  ${colleague.email.toUpperCase()} `, role: 'member', permissions: ['cdrs:read', 'cdrs:read'] })
        .expect(201);
      const unknown = await (await as(owner)).post('/v1/account/members').send({ email: stranger, role: 'member', permissions: ['cdrs:read'] }).expect(201);
      // The same shape for both: no user id, no name, nothing that says the address is registered.
      const shape = (body: Record<string, unknown>) => Object.keys(body).sort();
      expect(shape(known.body)).toEqual(shape(unknown.body));
      expect(known.body).toMatchObject({ object: 'invitation', account_id: accountId, email: colleague.email, role: 'member', permissions: ['cdrs:read'] });
      expect(JSON.stringify(known.body)).not.toContain(colleague.userId);
      expect(await t.prisma.membership.count({ where: { accountId, userId: colleague.userId } })).toBe(0);

      const token = invitationToken(t, colleague.email);
      const accepted = await (await as(colleague)).post('/v1/auth/invitations/accept').send({ token }).expect(200);
      expect(accepted.body).toMatchObject({ object: 'member', account_id: accountId, user_id: colleague.userId, role: 'member' });

      // Inviting someone who is already a member is still just an invitation; accepting it says so.
      await (await as(owner)).post('/v1/account/members').send({ email: colleague.email, role: 'admin' }).expect(201);
      const again = await (await as(colleague)).post('/v1/auth/invitations/accept').send({ token: invitationToken(t, colleague.email) }).expect(409);
      expect(again.body.error.code).toBe('already_member');
    });

    it('invites an unknown address; only the user with that address can accept, once', async () => {
      const { owner, accountId } = await team();
      const email = uniqueEmail('invitee');
      const res = await (await as(owner))
        .post('/v1/account/members')
        .send({ email, role: 'admin', permissions: ['numbers:write'] })
        .expect(201);
      expect(res.body).toMatchObject({ object: 'invitation', account_id: accountId, email, role: 'admin', permissions: ['numbers:write'] });
      expect(res.body.id).toMatch(/^inv_/);
      const expires = Date.parse(res.body.expires_at) - Date.now();
      expect(expires).toBeGreaterThan(6.9 * 86_400_000);
      expect(expires).toBeLessThanOrEqual(7 * 86_400_000);

      const token = invitationToken(t, email);
      const stored = await t.prisma.emailToken.findUniqueOrThrow({ where: { id: res.body.id } });
      expect(stored.purpose).toBe('invitation');
      expect(stored.tokenHash).toBe(hashInvitationToken(token));
      expect(stored.tokenHash).not.toContain(token);

      const stranger = await seedUser(t);
      const wrongUser = await (await as(stranger)).post('/v1/auth/invitations/accept').send({ token }).expect(403);
      expect(wrongUser.body.error.code).toBe('invitation_email_mismatch');

      // The invitee signs up (here: seeded with the invited address), then accepts.
      const invitee = await seedUser(t, { email });
      const accepted = await (await as(invitee)).post('/v1/auth/invitations/accept').send({ token }).expect(200);
      expect(accepted.body).toMatchObject({ object: 'member', account_id: accountId, user_id: invitee.userId, role: 'admin', permissions: ['numbers:write'] });

      const reused = await (await as(invitee)).post('/v1/auth/invitations/accept').send({ token }).expect(400);
      expect(reused.body.error).toMatchObject({ code: 'invitation_invalid', param: 'token' });
      const members = await (await as(owner)).get('/v1/account/members').expect(200);
      expect(members.body.data.map((m: { user_id: string }) => m.user_id)).toContain(invitee.userId);
    });

    it('refuses an expired, unknown or superseded invitation', async () => {
      const { owner } = await team();
      const email = uniqueEmail('late');
      const first = await (await as(owner)).post('/v1/account/members').send({ email, role: 'member' }).expect(201);
      const firstToken = invitationToken(t, email);
      await (await as(owner)).post('/v1/account/members').send({ email, role: 'member' }).expect(201);
      const secondToken = invitationToken(t, email);
      expect(secondToken).not.toBe(firstToken);
      const invitee = await seedUser(t, { email });
      const client = await as(invitee);

      const superseded = await client.post('/v1/auth/invitations/accept').send({ token: firstToken }).expect(400);
      expect(superseded.body.error.code).toBe('invitation_invalid');
      expect((await t.prisma.emailToken.findUniqueOrThrow({ where: { id: first.body.id } })).usedAt).not.toBeNull();

      await t.prisma.emailToken.updateMany({
        where: { tokenHash: hashInvitationToken(secondToken) },
        data: { expiresAt: new Date(Date.now() - 1000) },
      });
      await client.post('/v1/auth/invitations/accept').send({ token: secondToken }).expect(400);
      await client.post('/v1/auth/invitations/accept').send({ token: 'no-such-token' }).expect(400);
      const missing = await client.post('/v1/auth/invitations/accept').send({}).expect(400);
      expect(missing.body.error.param).toBe('token');
    });

    it('checks role, permissions and e-mail, naming the field', async () => {
      const { owner } = await team();
      const client = await as(owner);
      const cases: Array<[Record<string, unknown>, string, string?]> = [
        [{ email: 'not-an-address', role: 'member' }, 'email'],
        [{ email: uniqueEmail(), role: 'superuser' }, 'role'],
        [{ email: uniqueEmail() }, 'role'],
        [{ email: uniqueEmail(), role: 'member', permissions: ['cdrs:delete'] }, 'permissions'],
        [{ email: uniqueEmail(), role: 'member', permissions: 'cdrs:read' }, 'permissions'],
        [{ email: uniqueEmail(), role: 'member', extra: true }, 'extra', 'unknown_parameter'],
      ];
      for (const [body, param, code = 'parameter_invalid'] of cases) {
        const res = await client.post('/v1/account/members').send(body).expect(400);
        expect(res.body.error).toMatchObject({ code, param });
      }
    });

    it('is for owners and admins; only owners add owners', async () => {
      const { admin, member } = await team();
      const byMember = await (await as(member)).post('/v1/account/members').send({ email: uniqueEmail(), role: 'member' }).expect(403);
      expect(byMember.body.error.code).toBe('insufficient_role');
      const ownerByAdmin = await (await as(admin)).post('/v1/account/members').send({ email: uniqueEmail(), role: 'owner' }).expect(403);
      expect(ownerByAdmin.body.error.code).toBe('owner_role_required');
      await (await as(admin)).post('/v1/account/members').send({ email: uniqueEmail(), role: 'admin' }).expect(201);
    });
  });

  describe('changing members', () => {
    it("changes a member's role and permissions, which take effect on their next request", async () => {
      const { owner, member } = await team();
      const memberClient = await as(member);
      await memberClient.patch('/v1/account').send({ name: 'Not yet' }).expect(403);

      const id = await membershipOf(member);
      const res = await (await as(owner))
        .patch(`/v1/account/members/${id}`)
        .send({ role: 'admin', permissions: ['cdrs:read'] })
        .expect(200);
      expect(res.body).toMatchObject({ object: 'member', id, role: 'admin', permissions: ['cdrs:read'] });
      await memberClient.patch('/v1/account').send({ name: 'Now I can' }).expect(200);

      const permsOnly = await (await as(owner)).patch(`/v1/account/members/${id}`).send({ permissions: [] }).expect(200);
      expect(permsOnly.body).toMatchObject({ role: 'admin', permissions: [] });
      const bad = await (await as(owner)).patch(`/v1/account/members/${id}`).send({ permissions: ['root'] }).expect(400);
      expect(bad.body.error.param).toBe('permissions');
    });

    it('lets admins manage members but not owners', async () => {
      const { owner, admin, member } = await team();
      const adminClient = await as(admin);
      await adminClient.patch(`/v1/account/members/${await membershipOf(member)}`).send({ permissions: ['cdrs:read'] }).expect(200);
      const demoteOwner = await adminClient.patch(`/v1/account/members/${await membershipOf(owner)}`).send({ role: 'member' }).expect(403);
      expect(demoteOwner.body.error.code).toBe('owner_role_required');
      const promote = await adminClient.patch(`/v1/account/members/${await membershipOf(member)}`).send({ role: 'owner' }).expect(403);
      expect(promote.body.error.code).toBe('owner_role_required');
      const removeOwner = await adminClient.delete(`/v1/account/members/${await membershipOf(owner)}`).expect(403);
      expect(removeOwner.body.error.code).toBe('owner_role_required');
      const byMember = await (await as(member)).patch(`/v1/account/members/${await membershipOf(admin)}`).send({ role: 'member' }).expect(403);
      expect(byMember.body.error.code).toBe('insufficient_role');
      expect((await t.prisma.membership.findUniqueOrThrow({ where: { id: await membershipOf(owner) } })).role).toBe('owner');
    });

    it('never demotes or removes the last owner', async () => {
      const { owner } = await team();
      const id = await membershipOf(owner);
      const demote = await (await as(owner)).patch(`/v1/account/members/${id}`).send({ role: 'admin' }).expect(409);
      expect(demote.body.error.code).toBe('last_owner');
      const remove = await (await as(owner)).delete(`/v1/account/members/${id}`).expect(409);
      expect(remove.body.error.code).toBe('last_owner');
      // Permissions of the last owner may still change: it does not touch the role.
      await (await as(owner)).patch(`/v1/account/members/${id}`).send({ permissions: ['cdrs:read'] }).expect(200);

      const second = await seedUser(t, { role: 'owner', accountId: owner.accountId });
      await (await as(owner)).patch(`/v1/account/members/${id}`).send({ role: 'admin' }).expect(200);
      const lastAgain = await (await as(second)).delete(`/v1/account/members/${await membershipOf(second)}`).expect(409);
      expect(lastAgain.body.error.code).toBe('last_owner');
    });

    it('keeps an owner when two owners demote each other at the same time', async () => {
      for (let round = 0; round < 3; round += 1) {
        const a = await seedUser(t, { role: 'owner' });
        const b = await seedUser(t, { role: 'owner', accountId: a.accountId });
        const [clientA, clientB] = [await as(a), await as(b)];
        const [idA, idB] = [await membershipOf(a), await membershipOf(b)];
        const results = await Promise.all([
          clientA.patch(`/v1/account/members/${idB}`).send({ role: 'member' }),
          clientB.patch(`/v1/account/members/${idA}`).send({ role: 'member' }),
          clientA.delete(`/v1/account/members/${idA}`),
        ]);
        // 404: a PATCH that lands after the other owner removed that membership.
        expect(results.map((r) => r.status).every((s) => [200, 204, 401, 403, 404, 409].includes(s))).toBe(true);
        expect(await t.prisma.membership.count({ where: { accountId: a.accountId, role: 'owner' } })).toBeGreaterThanOrEqual(1);
      }
    });

    it('answers 404 for a member of another account and for a malformed id', async () => {
      const { owner } = await team();
      const other = await seedUser(t);
      const foreign = await membershipOf(other);
      const client = await as(owner);
      const patch = await client.patch(`/v1/account/members/${foreign}`).send({ role: 'member' }).expect(404);
      expect(patch.body.error.code).toBe('resource_missing');
      await client.delete(`/v1/account/members/${foreign}`).expect(404);
      expect((await t.prisma.membership.findUniqueOrThrow({ where: { id: foreign } })).role).toBe('owner');
      await client.delete(`/v1/account/members/${newId('membership')}`).expect(404);
      const bad = await client.delete('/v1/account/members/123').expect(404);
      expect(bad.body.error).toMatchObject({ code: 'resource_missing' });
    });
  });

  describe('removing members', () => {
    it("removes a member and ends their sessions on that account only", async () => {
      const { owner, member, accountId } = await team();
      const elsewhere = await seedUser(t);
      await t.prisma.membership.create({
        data: { id: newId('membership'), accountId: elsewhere.accountId, userId: member.userId, role: 'member' },
      });
      const onThisAccount = await seedSessionCookie(t, member);
      const onOtherAccount = await seedSessionCookie(t, { userId: member.userId, accountId: elsewhere.accountId });
      await t.http().get('/v1/account').set('Cookie', onThisAccount).expect(200);

      await (await as(owner)).delete(`/v1/account/members/${await membershipOf(member)}`).expect(204);
      await t.http().get('/v1/account').set('Cookie', onThisAccount).expect(401);
      const still = await t.http().get('/v1/account').set('Cookie', onOtherAccount).expect(200);
      expect(still.body.id).toBe(elsewhere.accountId);
      const revoked = await t.prisma.session.findMany({ where: { userId: member.userId, accountId, revokedAt: { not: null } } });
      expect(revoked.length).toBeGreaterThanOrEqual(1);
      const user = await t.prisma.user.findUniqueOrThrow({ where: { id: member.userId } });
      expect(user.defaultAccountId).toBe(elsewhere.accountId);

      const list = await (await as(owner)).get('/v1/account/members').expect(200);
      expect(list.body.data.map((m: { user_id: string }) => m.user_id)).not.toContain(member.userId);
    });
  });

  describe('switching accounts', () => {
    it('a member of two accounts sees only the current account, and switches between them', async () => {
      const home = await seedUser(t, { role: 'owner' });
      const homeColleague = await seedUser(t, { role: 'member', accountId: home.accountId });
      const agency = await seedUser(t, { role: 'owner' });
      await t.prisma.membership.create({
        data: { id: newId('membership'), accountId: agency.accountId, userId: home.userId, role: 'member' },
      });
      const client = await as(home);

      const before = await client.get('/v1/account').expect(200);
      expect(before.body.id).toBe(home.accountId);
      const homeMembers = (await client.get('/v1/account/members').expect(200)).body.data.map((m: { user_id: string }) => m.user_id);
      expect(homeMembers.sort()).toEqual([home.userId, homeColleague.userId].sort());

      const switched = await client.post('/v1/auth/switch-account').send({ account_id: agency.accountId }).expect(200);
      expect(switched.body).toMatchObject({ object: 'account', id: agency.accountId });
      expect((await client.get('/v1/account').expect(200)).body.id).toBe(agency.accountId);
      const agencyMembers = (await client.get('/v1/account/members').expect(200)).body.data.map((m: { user_id: string }) => m.user_id);
      expect(agencyMembers.sort()).toEqual([agency.userId, home.userId].sort());
      expect(agencyMembers).not.toContain(homeColleague.userId);
      // The role is the one held in the current account: a member there, not an owner.
      const refused = await client.patch('/v1/account').send({ name: 'Hijack' }).expect(403);
      expect(refused.body.error.code).toBe('insufficient_role');
      const sessions = (await client.get('/v1/auth/sessions').expect(200)).body.data;
      expect(sessions.find((s: { current: boolean }) => s.current).account_id).toBe(agency.accountId);
      expect((await t.prisma.user.findUniqueOrThrow({ where: { id: home.userId } })).defaultAccountId).toBe(agency.accountId);

      await client.post('/v1/auth/switch-account').send({ account_id: home.accountId }).expect(200);
      expect((await client.get('/v1/account').expect(200)).body.id).toBe(home.accountId);
      await client.patch('/v1/account').send({ name: 'Home again' }).expect(200);
    });

    it('answers 404 for an account the user is not a member of, 400 for a malformed id', async () => {
      const user = await seedUser(t);
      const other = await seedUser(t);
      const client = await as(user);
      const res = await client.post('/v1/auth/switch-account').send({ account_id: other.accountId }).expect(404);
      expect(res.body.error.code).toBe('resource_missing');
      expect((await client.get('/v1/account').expect(200)).body.id).toBe(user.accountId);
      const bad = await client.post('/v1/auth/switch-account').send({ account_id: 'acct_nope' }).expect(400);
      expect(bad.body.error).toMatchObject({ code: 'parameter_invalid', param: 'account_id' });
    });

    it('refuses to switch into a closed account', async () => {
      const user = await seedUser(t);
      const closed = await seedUser(t);
      await t.prisma.membership.create({ data: { id: newId('membership'), accountId: closed.accountId, userId: user.userId, role: 'admin' } });
      await t.prisma.account.update({ where: { id: closed.accountId }, data: { status: 'closed', closedAt: new Date() } });
      const res = await (await as(user)).post('/v1/auth/switch-account').send({ account_id: closed.accountId }).expect(403);
      expect(res.body.error.code).toBe('account_closed');
    });

    it('is for dashboard sessions only and needs the dashboard Origin', async () => {
      const user = await seedUser(t, { apiKeysEnabled: true });
      const key = await seedApiKey(t, user.accountId);
      await bearerClient(t, key).post('/v1/auth/switch-account').send({ account_id: user.accountId }).expect(403);
      const cookie = await seedSessionCookie(t, user);
      const csrf = await t.http().post('/v1/auth/switch-account').set('Cookie', cookie).send({ account_id: user.accountId }).expect(403);
      expect(csrf.body.error.code).toBe('csrf_origin_mismatch');
      await t.http().post('/v1/auth/switch-account').set('Cookie', cookie).set('Origin', TEST_ORIGIN).send({ account_id: user.accountId }).expect(200);
    });
  });

  it('documents every account, member, invitation, switch and session route in OpenAPI', async () => {
    const doc = (await t.http().get('/docs/openapi.json').expect(200)).body;
    const expected: Array<[string, string]> = [
      ['/v1/account', 'get'],
      ['/v1/account', 'patch'],
      ['/v1/account/members', 'get'],
      ['/v1/account/members', 'post'],
      ['/v1/account/members/{id}', 'patch'],
      ['/v1/account/members/{id}', 'delete'],
      ['/v1/auth/invitations/accept', 'post'],
      ['/v1/auth/switch-account', 'post'],
      ['/v1/auth/sessions', 'get'],
      ['/v1/auth/sessions/{id}/revoke', 'post'],
      ['/v1/auth/sessions/revoke-others', 'post'],
    ];
    for (const [path, method] of expected) {
      const operation = doc.paths[path]?.[method];
      expect({ path, method, documented: Boolean(operation?.summary) }).toEqual({ path, method, documented: true });
      expect(operation.security?.length).toBeGreaterThan(0);
    }
    expect(doc.components.schemas.Member.properties).toHaveProperty('permissions');
  });
});
