import { ErasureService } from '../../src/compliance/erasure/erasure.service';
import { approvedBundle, BUSINESS_DE, INDIVIDUAL_DE, pdfBytes, tenant, type Tenant, upload } from '../support/compliance-fixtures';
import { phoneNumbers } from '../support/phone-numbers';
import { startTestApp, TEST_ADMIN_TOKEN, type TestApp } from '../support/test-app';

const deNumber = phoneNumbers.deLocal;

describe('Numbers and erasure', () => {
  let t: TestApp;
  let a: Tenant;

  beforeAll(async () => {
    t = await startTestApp();
    a = await tenant(t);
  });
  afterAll(() => t.close());

  async function assign(bundleId: string, e164 = deNumber()) {
    return (await a.client.post('/v1/numbers').send({ e164, country: 'DE', number_type: 'local', bundle_id: bundleId }).expect(201)).body;
  }

  async function moveRelease(numberId: string, monthsAgo: number): Promise<Date> {
    const at = new Date();
    at.setUTCMonth(at.getUTCMonth() - monthsAgo);
    await t.prisma.$executeRaw`UPDATE numbers SET released_at = ${at} WHERE id = ${numberId}`;
    return at;
  }

  async function footprint(endUserId: string) {
    return {
      endUser: await t.prisma.endUser.count({ where: { id: endUserId } }),
      bundles: await t.prisma.bundle.count({ where: { endUserId } }),
      documents: await t.prisma.document.count({ where: { endUserId } }),
      chunks: await t.prisma.documentChunk.count({ where: { document: { endUserId } } }),
      requests: await t.prisma.erasureRequest.count({ where: { endUserId } }),
    };
  }

  describe('numbers', () => {
    it('refuses a DE local number without a bundle: 422 bundle_required listing what is missing', async () => {
      const res = await a.client.post('/v1/numbers').send({ e164: deNumber(), country: 'DE', number_type: 'local' }).expect(422);
      expect(res.body.error).toMatchObject({ code: 'bundle_required', param: 'bundle_id', missing: [expect.objectContaining({ requirement: 'bundle' })] });
      const unknown = await a.client.post('/v1/numbers').send({ e164: deNumber(), country: 'DE', number_type: 'local', bundle_id: 'bun_0000000000000000000000' }).expect(422);
      expect(unknown.body.error.missing).toEqual([expect.objectContaining({ requirement: 'bundle' })]);
    });

    it('lists every problem of an unsuitable bundle', async () => {
      const eu = (await a.client.post('/v1/compliance/end-users').send(INDIVIDUAL_DE).expect(201)).body.id;
      const draft = (await a.client.post('/v1/compliance/bundles').send({ end_user_id: eu, document_ids: [], country: 'FR', number_type: 'national' }).expect(201)).body.id;
      const res = await a.client.post('/v1/numbers').send({ e164: deNumber(), country: 'DE', number_type: 'local', bundle_id: draft }).expect(422);
      expect(res.body.error.missing.map((m: { requirement: string }) => m.requirement)).toEqual(['bundle_status', 'bundle_country', 'bundle_number_type']);
    });

    it('assigns with an approved bundle, lists, gets and releases; one active holder per number', async () => {
      const { bundleId } = await approvedBundle(t, a.client, TEST_ADMIN_TOKEN);
      const e164 = deNumber();
      const n = await assign(bundleId, e164);
      expect(n).toMatchObject({ object: 'number', e164, status: 'active', bundle_id: bundleId, released_at: null });
      expect(n.id).toMatch(/^num_/);
      const b = await tenant(t);
      const other = await approvedBundle(t, b.client, TEST_ADMIN_TOKEN);
      expect((await b.client.post('/v1/numbers').send({ e164, bundle_id: other.bundleId }).expect(409)).body.error.code).toBe('number_unavailable');
      await a.client.get(`/v1/numbers/${n.id}`).expect(200);
      const list = await a.client.get('/v1/numbers?status=active').expect(200);
      expect(list.body.data.map((x: { id: string }) => x.id)).toContain(n.id);
      const released = await a.client.post(`/v1/numbers/${n.id}/release`).expect(200);
      expect(released.body.status).toBe('released');
      expect(Date.parse(released.body.released_at)).toBeGreaterThan(Date.now() - 60_000);
      expect((await a.client.post(`/v1/numbers/${n.id}/release`).expect(409)).body.error.code).toBe('number_released');
      // Released: the number may be taken again.
      await b.client.post('/v1/numbers').send({ e164, country: 'DE', number_type: 'local' }).expect(422);
    });

    it('assigns numbers that need no bundle, and validates E.164 and the country', async () => {
      await a.client.post('/v1/numbers').send({ e164: phoneNumbers.usLocal(), country: 'US', number_type: 'local' }).expect(201);
      expect((await a.client.post('/v1/numbers').send({ e164: '004930123', country: 'DE', number_type: 'local' }).expect(400)).body.error.param).toBe('e164');
      expect((await a.client.post('/v1/numbers').send({ e164: phoneNumbers.frLocal(), country: 'DE', number_type: 'local' }).expect(400)).body.error.param).toBe('country');
      expect((await a.client.post('/v1/numbers').send({ e164: phoneNumbers.usLocal(), country: 'US', number_type: 'fax' }).expect(400)).body.error.param).toBe('number_type');
    });

    it('enforces numbers scopes', async () => {
      const reader = await tenant(t, ['numbers:read']);
      await reader.client.get('/v1/numbers').expect(200);
      await reader.client.post('/v1/numbers').send({ e164: phoneNumbers.usLocal(), country: 'US', number_type: 'local' }).expect(403);
      const compliance = await tenant(t, ['compliance:read', 'compliance:write']);
      await compliance.client.get('/v1/numbers').expect(403);
    });
  });

  describe('erasure', () => {
    it('204: removes the end-user, its bundles and documents with their binaries in one go', async () => {
      const eu = (await a.client.post('/v1/compliance/end-users').send(INDIVIDUAL_DE).expect(201)).body.id;
      const passport = (await upload(a.client, pdfBytes(100_000), { type: 'passport', end_user_id: eu }).expect(201)).body.id;
      await a.client.post('/v1/compliance/bundles').send({ end_user_id: eu, document_ids: [passport], country: 'DE', number_type: 'local' }).expect(201);
      expect((await footprint(eu)).chunks).toBeGreaterThan(1);
      await a.client.delete(`/v1/compliance/end-users/${eu}`).expect(204);
      expect(await footprint(eu)).toEqual({ endUser: 0, bundles: 0, documents: 0, chunks: 0, requests: 1 });
      expect(await t.prisma.documentChunk.count({ where: { documentId: passport } })).toBe(0);
      const record = await t.prisma.erasureRequest.findUniqueOrThrow({ where: { endUserId: eu } });
      expect(record.status).toBe('completed');
      await a.client.get(`/v1/compliance/end-users/${eu}`).expect(404);
      await a.client.delete(`/v1/compliance/end-users/${eu}`).expect(404);
    });

    it('keeps a document another end-user\'s bundle uses; dry_run says so and changes nothing', async () => {
      const first = (await a.client.post('/v1/compliance/end-users').send(BUSINESS_DE).expect(201)).body.id;
      const second = (await a.client.post('/v1/compliance/end-users').send(BUSINESS_DE).expect(201)).body.id;
      const registration = (await upload(a.client, pdfBytes(), { type: 'business_registration' }).expect(201)).body.id;
      const own = (await upload(a.client, pdfBytes(), { type: 'other', end_user_id: first }).expect(201)).body.id;
      const b1 = (await a.client.post('/v1/compliance/bundles').send({ end_user_id: first, document_ids: [registration, own], country: 'DE', number_type: 'local' }).expect(201)).body.id;
      const b2 = (await a.client.post('/v1/compliance/bundles').send({ end_user_id: second, document_ids: [registration], country: 'DE', number_type: 'local' }).expect(201)).body.id;

      const before = { ...(await footprint(first)), all: await t.prisma.document.count({ where: { accountId: a.user.accountId } }) };
      const dry = await a.client.delete(`/v1/compliance/end-users/${first}?dry_run=true`).expect(200);
      expect(dry.body).toEqual({
        object: 'erasure_preview',
        dry_run: true,
        end_user_id: first,
        outcome: 'erase',
        would_remove: { end_user: first, bundles: [b1], documents: [own] },
        kept_documents: [{ id: registration, reason: expect.any(String), bundle_ids: [b2] }],
        erase_after: null,
        holds: [],
      });
      expect({ ...(await footprint(first)), all: await t.prisma.document.count({ where: { accountId: a.user.accountId } }) }).toEqual(before);

      await a.client.delete(`/v1/compliance/end-users/${first}`).expect(204);
      await a.client.get(`/v1/compliance/documents/${own}`).expect(404);
      await a.client.get(`/v1/compliance/documents/${registration}`).expect(200);
      expect((await a.client.get(`/v1/compliance/bundles/${b2}`).expect(200)).body.document_ids).toEqual([registration]);
      await a.client.get(`/v1/compliance/bundles/${b1}`).expect(404);
      // Once the second end-user goes too, nothing references the registration: it goes with them.
      await a.client.delete(`/v1/compliance/end-users/${second}`).expect(204);
      await a.client.get(`/v1/compliance/documents/${registration}`).expect(404);
    });

    it('202 while a number is active (erase_after null), 202 eleven months after release, 204 after thirteen', async () => {
      const { endUserId, bundleId, documentId } = await approvedBundle(t, a.client, TEST_ADMIN_TOKEN);
      const n = await assign(bundleId);

      const active = await a.client.delete(`/v1/compliance/end-users/${endUserId}`).expect(202);
      expect(active.body).toMatchObject({
        object: 'erasure_request',
        status: 'erasure_scheduled',
        end_user_id: endUserId,
        erase_after: null,
        holds: [{ type: 'active_number', number_id: n.id, bundle_id: bundleId, until: null, reason: expect.any(String) }],
      });
      expect(active.body.id).toMatch(/^ers_/);
      expect((await footprint(endUserId)).endUser).toBe(1);
      await a.client.get(`/v1/compliance/documents/${documentId}/content`).expect(200);

      await a.client.post(`/v1/numbers/${n.id}/release`).expect(200);
      const releasedAt = await moveRelease(n.id, 11);
      const held = await a.client.delete(`/v1/compliance/end-users/${endUserId}`).expect(202);
      const until = new Date(releasedAt);
      until.setUTCMonth(until.getUTCMonth() + 12);
      expect(held.body).toMatchObject({ status: 'erasure_scheduled', erase_after: until.toISOString() });
      expect(held.body.holds).toEqual([expect.objectContaining({ type: 'regulator', number_id: n.id, until: until.toISOString() })]);
      const record = await t.prisma.erasureRequest.findUniqueOrThrow({ where: { endUserId } });
      expect(record).toMatchObject({ status: 'scheduled', eraseAfter: until });

      const dry = await a.client.delete(`/v1/compliance/end-users/${endUserId}?dry_run=true`).expect(200);
      expect(dry.body).toMatchObject({ outcome: 'schedule', erase_after: until.toISOString() });

      await moveRelease(n.id, 13);
      await a.client.delete(`/v1/compliance/end-users/${endUserId}`).expect(204);
      expect(await footprint(endUserId)).toMatchObject({ endUser: 0, bundles: 0, documents: 0, chunks: 0 });
      expect((await t.prisma.erasureRequest.findUniqueOrThrow({ where: { endUserId } })).status).toBe('completed');
      // The number's own record stays (billing, CDRs); it no longer points at the erased bundle.
      expect((await a.client.get(`/v1/numbers/${n.id}`).expect(200)).body).toMatchObject({ status: 'released', bundle_id: null });
    });

    it('the retention job can finish a scheduled erasure through ErasureService once the hold ends', async () => {
      const { endUserId, bundleId } = await approvedBundle(t, a.client, TEST_ADMIN_TOKEN, BUSINESS_DE);
      const n = await assign(bundleId);
      await a.client.post(`/v1/numbers/${n.id}/release`).expect(200);
      await a.client.delete(`/v1/compliance/end-users/${endUserId}`).expect(202);
      const erasure = t.app.get(ErasureService);
      expect(await erasure.eraseEndUser(a.user.accountId, endUserId)).toMatchObject({ kind: 'scheduled' });
      await moveRelease(n.id, 13);
      // Time passes for the request too: its erase_after (release + 12 months) is now behind us.
      await t.prisma.$executeRaw`UPDATE erasure_requests SET erase_after = now() - interval '1 month' WHERE end_user_id = ${endUserId}`;
      const due = await erasure.dueRequests();
      expect(due).toContainEqual({ accountId: a.user.accountId, endUserId });
      expect(await erasure.eraseEndUser(a.user.accountId, endUserId)).toEqual({ kind: 'erased' });
      expect((await footprint(endUserId)).endUser).toBe(0);
      expect(await erasure.eraseEndUser(a.user.accountId, endUserId)).toEqual({ kind: 'not_found' });
    });

    it("keeps everything under the operator's legal hold (202, no end; documents 409) and follows the account's compliance window", async () => {
      const b = await tenant(t);
      const admin = t.http().set('Authorization', `Bearer ${TEST_ADMIN_TOKEN}`);
      const overrides = (retention_overrides: object) =>
        admin.patch(`/v1/admin/accounts/${b.user.accountId}`).send({ retention_overrides }).expect(200);
      const eu = (await b.client.post('/v1/compliance/end-users').send(INDIVIDUAL_DE).expect(201)).body.id;
      const passport = (await upload(b.client, pdfBytes(2_000), { type: 'passport', end_user_id: eu }).expect(201)).body.id;

      await overrides({ legal_hold: true });
      const held = await b.client.delete(`/v1/compliance/end-users/${eu}`).expect(202);
      expect(held.body).toMatchObject({ erase_after: null, holds: [{ type: 'legal_hold', number_id: null, bundle_id: null, until: null }] });
      expect((await b.client.delete(`/v1/compliance/documents/${passport}`).expect(409)).body.error.code).toBe('legal_hold');
      expect(await footprint(eu)).toMatchObject({ endUser: 1, documents: 1 });

      // Hold lifted, window set to 30 days: a number released 20 days ago still holds; 40 days ago, no longer.
      await overrides({ legal_hold: false, compliance_window_days: 30 });
      const { endUserId, bundleId } = await approvedBundle(t, b.client, TEST_ADMIN_TOKEN, BUSINESS_DE);
      const n = (await b.client.post('/v1/numbers').send({ e164: deNumber(), country: 'DE', number_type: 'local', bundle_id: bundleId }).expect(201)).body;
      await b.client.post(`/v1/numbers/${n.id}/release`).expect(200);
      const releasedAt = new Date(Date.now() - 20 * 86_400_000);
      await t.prisma.$executeRaw`UPDATE numbers SET released_at = ${releasedAt} WHERE id = ${n.id}`;
      const windowed = await b.client.delete(`/v1/compliance/end-users/${endUserId}`).expect(202);
      expect(windowed.body.erase_after).toBe(new Date(releasedAt.getTime() + 30 * 86_400_000).toISOString());
      await t.prisma.$executeRaw`UPDATE numbers SET released_at = ${new Date(Date.now() - 40 * 86_400_000)} WHERE id = ${n.id}`;
      await b.client.delete(`/v1/compliance/end-users/${endUserId}`).expect(204);

      await b.client.delete(`/v1/compliance/end-users/${eu}`).expect(204);
      expect(await footprint(eu)).toMatchObject({ endUser: 0, documents: 0 });
    });

    it('validates dry_run', async () => {
      const eu = (await a.client.post('/v1/compliance/end-users').send(BUSINESS_DE).expect(201)).body.id;
      expect((await a.client.delete(`/v1/compliance/end-users/${eu}?dry_run=yes`).expect(400)).body.error.param).toBe('dry_run');
      expect((await footprint(eu)).endUser).toBe(1);
    });
  });
});
