import { BUSINESS_DE, INDIVIDUAL_DE, pdfBytes, tenant, type Tenant, upload } from '../support/compliance-fixtures';
import { startTestApp, TEST_ADMIN_TOKEN, type TestApp } from '../support/test-app';

describe('Compliance bundles', () => {
  let t: TestApp;
  let a: Tenant;
  const admin = () => t.http().set('Authorization', `Bearer ${TEST_ADMIN_TOKEN}`);

  beforeAll(async () => {
    t = await startTestApp();
    a = await tenant(t);
  });
  afterAll(() => t.close());

  async function endUser(body: object = INDIVIDUAL_DE): Promise<string> {
    return (await a.client.post('/v1/compliance/end-users').send(body).expect(201)).body.id;
  }
  async function doc(type: string, endUserId?: string): Promise<string> {
    return (await upload(a.client, pdfBytes(), endUserId ? { type, end_user_id: endUserId } : { type }).expect(201)).body.id;
  }
  async function bundle(endUserId: string, documentIds: string[], country = 'DE', numberType = 'local'): Promise<string> {
    const res = await a.client
      .post('/v1/compliance/bundles')
      .send({ end_user_id: endUserId, document_ids: documentIds, country, number_type: numberType })
      .expect(201);
    expect(res.body).toMatchObject({ object: 'bundle', status: 'draft', end_user_id: endUserId, document_ids: [...documentIds].sort() });
    return res.body.id;
  }

  it('evaluates per requirement with the invalid fields, changing nothing; submit refuses with the same results', async () => {
    const eu = await endUser({ ...INDIVIDUAL_DE, date_of_birth: undefined, address: { ...INDIVIDUAL_DE.address, country: 'AT' } });
    const bill = await doc('utility_bill', eu);
    const id = await bundle(eu, [bill]);
    const before = await t.prisma.bundle.findUniqueOrThrow({ where: { id } });

    const evaluation = await a.client.post(`/v1/compliance/bundles/${id}/evaluate`).expect(200);
    expect(evaluation.body).toMatchObject({ object: 'evaluation', bundle_id: id, result: 'noncompliant' });
    expect(evaluation.body.results).toEqual([
      {
        requirement: 'end_user_identity',
        passed: false,
        failure_reason: expect.stringContaining('date_of_birth'),
        invalid: [{ field: 'end_user.date_of_birth', reason: 'required' }],
      },
      { requirement: 'address_in_country', passed: false, failure_reason: expect.any(String), invalid: [{ field: 'end_user.address.country', reason: 'must be DE' }] },
      { requirement: 'identity_document', passed: false, failure_reason: expect.any(String), invalid: [{ field: 'document_ids', reason: expect.stringContaining('passport or id_card') }] },
    ]);
    expect(await t.prisma.bundle.findUniqueOrThrow({ where: { id } })).toEqual(before);

    const submit = await a.client.post(`/v1/compliance/bundles/${id}/submit`).expect(422);
    expect(submit.body.error).toMatchObject({ code: 'bundle_noncompliant', result: 'noncompliant', results: evaluation.body.results });
    expect((await a.client.get(`/v1/compliance/bundles/${id}`).expect(200)).body.status).toBe('draft');
  });

  it("flags a document filed under another end-user", async () => {
    const eu = await endUser();
    const other = await endUser();
    const id = await bundle(eu, [await doc('passport', other)]);
    const res = await a.client.post(`/v1/compliance/bundles/${id}/evaluate`).expect(200);
    expect(res.body.result).toBe('noncompliant');
    expect(res.body.results[0]).toMatchObject({ requirement: 'documents_belong_to_end_user', passed: false });
  });

  it('needs no bundle contents where the country has no requirements', async () => {
    const eu = await endUser(BUSINESS_DE);
    const id = await bundle(eu, [], 'US', 'local');
    const res = await a.client.post(`/v1/compliance/bundles/${id}/evaluate`).expect(200);
    expect(res.body).toMatchObject({ result: 'compliant', results: [] });
  });

  it('submits a compliant bundle; then its end-user and documents are read-only; review with reasons per item', async () => {
    const eu = await endUser();
    const passport = await doc('passport', eu);
    const id = await bundle(eu, [passport]);
    const submitted = await a.client.post(`/v1/compliance/bundles/${id}/submit`).expect(200);
    expect(submitted.body).toMatchObject({ status: 'pending_review', evaluation: { result: 'compliant' } });
    expect(submitted.body.requirements_version).toMatch(/^\d{4}-/);
    expect((await a.client.post(`/v1/compliance/bundles/${id}/submit`).expect(409)).body.error.code).toBe('bundle_not_draft');

    const locked = await a.client.patch(`/v1/compliance/end-users/${eu}`).send({ first_name: 'Erik' }).expect(409);
    expect(locked.body.error).toMatchObject({ code: 'end_user_locked' });
    expect(locked.body.error.message).toContain(id);
    const inUse = await a.client.delete(`/v1/compliance/documents/${passport}`).expect(409);
    expect(inUse.body.error).toMatchObject({ code: 'document_in_use' });
    expect(inUse.body.error.message).toContain(id);

    // The support look-up: metadata only.
    const look = await admin().get(`/v1/admin/bundles/${id}`).expect(200);
    expect(look.body).toMatchObject({ id, account_id: a.user.accountId, status: 'pending_review', end_user: { id: eu, type: 'individual', address_country: 'DE' } });
    expect(look.body.documents).toEqual([expect.objectContaining({ id: passport, type: 'passport', content_type: 'application/pdf' })]);
    const text = JSON.stringify(look.body);
    for (const personal of ['Erika', 'Mustermann', 'C01X00T47', '0T47', '1964', 'Heidestraße']) expect(text).not.toContain(personal);

    await admin().post(`/v1/admin/bundles/${id}/reject`).send({}).expect(400);
    const badItem = await admin().post(`/v1/admin/bundles/${id}/reject`).send({ reason: 'x', items: [{ item: 'doc_0000000000000000000000', reason: 'y' }] }).expect(400);
    expect(badItem.body.error.param).toBe('items[0].item');
    const rejected = await admin()
      .post(`/v1/admin/bundles/${id}/reject`)
      .send({ reason: 'The scan is unreadable.', items: [{ item: passport, reason: 'Blurred photo page.' }, { item: 'end_user.address', reason: 'Street missing house number.' }] })
      .expect(200);
    expect(rejected.body.status).toBe('rejected');
    const seen = await a.client.get(`/v1/compliance/bundles/${id}`).expect(200);
    expect(seen.body.review).toEqual({
      reason: 'The scan is unreadable.',
      items: [{ item: passport, reason: 'Blurred photo page.' }, { item: 'end_user.address', reason: 'Street missing house number.' }],
    });
    expect((await admin().post(`/v1/admin/bundles/${id}/approve`).send({}).expect(409)).body.error.code).toBe('bundle_not_pending_review');

    // Rejected: editable again, and its documents deletable.
    await a.client.patch(`/v1/compliance/end-users/${eu}`).send({ first_name: 'Erik' }).expect(200);
  });

  it('approves a bundle pending review; approval happens once', async () => {
    const eu = await endUser(BUSINESS_DE);
    const id = await bundle(eu, [await doc('business_registration', eu)]);
    await admin().post(`/v1/admin/bundles/${id}/approve`).send({}).expect(409);
    await a.client.post(`/v1/compliance/bundles/${id}/submit`).expect(200);
    const approved = await admin().post(`/v1/admin/bundles/${id}/approve`).send({ reason: 'ok' }).expect(200);
    expect(approved.body).toMatchObject({ status: 'approved', review: { reason: 'ok', items: [] } });
    await admin().post(`/v1/admin/bundles/${id}/approve`).send({}).expect(409);
    await a.client.patch(`/v1/compliance/end-users/${eu}`).send({ business_name: 'Other GmbH' }).expect(409);
  });

  it('deleting a document used only by a draft bundle removes it from that bundle', async () => {
    const eu = await endUser();
    const passport = await doc('passport', eu);
    const id = await bundle(eu, [passport]);
    await a.client.delete(`/v1/compliance/documents/${passport}`).expect(204);
    expect((await a.client.get(`/v1/compliance/bundles/${id}`).expect(200)).body.document_ids).toEqual([]);
  });

  it('refuses unknown end-users and documents with a 404 naming the field, and bad input with a 400', async () => {
    const eu = await endUser();
    const noEu = await a.client.post('/v1/compliance/bundles').send({ end_user_id: 'eu_0000000000000000000000', document_ids: [], country: 'DE', number_type: 'local' }).expect(404);
    expect(noEu.body.error.param).toBe('end_user_id');
    const noDoc = await a.client.post('/v1/compliance/bundles').send({ end_user_id: eu, document_ids: ['doc_0000000000000000000000'], country: 'DE', number_type: 'local' }).expect(404);
    expect(noDoc.body.error.param).toBe('document_ids[0]');
    const badType = await a.client.post('/v1/compliance/bundles').send({ end_user_id: eu, document_ids: [], country: 'DE', number_type: 'satellite' }).expect(400);
    expect(badType.body.error.param).toBe('number_type');
    expect(await t.prisma.bundle.count({ where: { endUserId: eu } })).toBe(0);
  });

  it('the operator routes refuse customers', async () => {
    const eu = await endUser();
    const id = await bundle(eu, []);
    await a.client.get(`/v1/admin/bundles/${id}`).expect((r) => expect([401, 403]).toContain(r.status));
    await a.client.post(`/v1/admin/bundles/${id}/approve`).send({}).expect((r) => expect([401, 403]).toContain(r.status));
  });
});
