import { approvedBundle, INDIVIDUAL_DE, pdfBytes, tenant, type Tenant, upload } from '../support/compliance-fixtures';
import { phoneNumbers } from '../support/phone-numbers';
import { startTestApp, TEST_ADMIN_TOKEN, type TestApp } from '../support/test-app';

describe('Compliance and numbers: access across accounts and the OpenAPI document', () => {
  let t: TestApp;
  let a: Tenant;
  let b: Tenant;
  let ids: { endUserId: string; documentId: string; bundleId: string; draftBundleId: string; numberId: string };

  beforeAll(async () => {
    t = await startTestApp();
    a = await tenant(t);
    b = await tenant(t);
    const approved = await approvedBundle(t, a.client, TEST_ADMIN_TOKEN);
    const draftBundleId = (
      await a.client
        .post('/v1/compliance/bundles')
        .send({ end_user_id: approved.endUserId, document_ids: [approved.documentId], country: 'DE', number_type: 'local' })
        .expect(201)
    ).body.id;
    const numberId = (
      await a.client.post('/v1/numbers').send({ e164: phoneNumbers.deMunich(), country: 'DE', number_type: 'local', bundle_id: approved.bundleId }).expect(201)
    ).body.id;
    ids = { ...approved, draftBundleId, numberId };
  });
  afterAll(() => t.close());

  it('answers 404 to another account on every route that takes an id, and changes nothing', async () => {
    const before = await a.client.get(`/v1/compliance/end-users/${ids.endUserId}`).expect(200);
    const calls: [string, string, object?][] = [
      ['get', `/v1/compliance/end-users/${ids.endUserId}`],
      ['patch', `/v1/compliance/end-users/${ids.endUserId}`, { first_name: 'Mallory' }],
      ['delete', `/v1/compliance/end-users/${ids.endUserId}?dry_run=true`],
      ['delete', `/v1/compliance/end-users/${ids.endUserId}`],
      ['get', `/v1/compliance/documents/${ids.documentId}`],
      ['get', `/v1/compliance/documents/${ids.documentId}/content`],
      ['delete', `/v1/compliance/documents/${ids.documentId}`],
      ['get', `/v1/compliance/bundles/${ids.bundleId}`],
      ['post', `/v1/compliance/bundles/${ids.draftBundleId}/evaluate`],
      ['post', `/v1/compliance/bundles/${ids.draftBundleId}/submit`],
      ['get', `/v1/numbers/${ids.numberId}`],
      ['post', `/v1/numbers/${ids.numberId}/release`],
    ];
    for (const [method, path, body] of calls) {
      const req = (b.client as unknown as Record<string, (p: string) => { send(b?: object): Promise<{ status: number; body: { error: { code: string } } }> }>)[method](path);
      const res = await req.send(body);
      expect([path, res.status]).toEqual([path, 404]);
      expect(res.body.error.code).toBe('resource_missing');
    }
    // References to another account's objects inside a body are "not found" too.
    const eu = await b.client.post('/v1/compliance/bundles').send({ end_user_id: ids.endUserId, document_ids: [], country: 'DE', number_type: 'local' }).expect(404);
    expect(eu.body.error.param).toBe('end_user_id');
    const ownEu = (await b.client.post('/v1/compliance/end-users').send(INDIVIDUAL_DE).expect(201)).body.id;
    const doc = await b.client.post('/v1/compliance/bundles').send({ end_user_id: ownEu, document_ids: [ids.documentId], country: 'DE', number_type: 'local' }).expect(404);
    expect(doc.body.error.param).toBe('document_ids[0]');
    const up = await upload(b.client, pdfBytes(), { type: 'passport', end_user_id: ids.endUserId }).expect(404);
    expect(up.body.error.param).toBe('end_user_id');
    const num = await b.client.post('/v1/numbers').send({ e164: phoneNumbers.deMunich(), country: 'DE', number_type: 'local', bundle_id: ids.bundleId }).expect(422);
    expect(num.body.error).toMatchObject({ code: 'bundle_required', missing: [expect.objectContaining({ reason: 'No such bundle in this account.' })] });

    for (const list of ['/v1/compliance/end-users', '/v1/compliance/documents', '/v1/compliance/bundles', '/v1/numbers']) {
      const res = await b.client.get(list).expect(200);
      const seen = JSON.stringify(res.body);
      for (const id of Object.values(ids)) expect(seen).not.toContain(id);
    }
    expect((await a.client.get(`/v1/compliance/end-users/${ids.endUserId}`).expect(200)).body).toEqual(before.body);
    expect((await a.client.get(`/v1/numbers/${ids.numberId}`).expect(200)).body.status).toBe('active');
    await a.client.get(`/v1/compliance/documents/${ids.documentId}/content`).expect(200);
  });

  it('lists every route in the OpenAPI document with its scope, the upload as a real multipart body', async () => {
    const doc = (await t.http().get('/docs/openapi.json').expect(200)).body;
    const routes: [string, string, string][] = [
      ['get', '/v1/compliance/requirements', 'compliance:read'],
      ['post', '/v1/compliance/end-users', 'compliance:write'],
      ['get', '/v1/compliance/end-users', 'compliance:read'],
      ['get', '/v1/compliance/end-users/{id}', 'compliance:read'],
      ['patch', '/v1/compliance/end-users/{id}', 'compliance:write'],
      ['delete', '/v1/compliance/end-users/{id}', 'compliance:write'],
      ['post', '/v1/compliance/documents', 'compliance:write'],
      ['get', '/v1/compliance/documents', 'compliance:read'],
      ['get', '/v1/compliance/documents/{id}', 'compliance:read'],
      ['get', '/v1/compliance/documents/{id}/content', 'compliance:read'],
      ['delete', '/v1/compliance/documents/{id}', 'compliance:write'],
      ['post', '/v1/compliance/bundles', 'compliance:write'],
      ['get', '/v1/compliance/bundles', 'compliance:read'],
      ['get', '/v1/compliance/bundles/{id}', 'compliance:read'],
      ['post', '/v1/compliance/bundles/{id}/evaluate', 'compliance:read'],
      ['post', '/v1/compliance/bundles/{id}/submit', 'compliance:write'],
      ['post', '/v1/numbers', 'numbers:write'],
      ['get', '/v1/numbers', 'numbers:read'],
      ['get', '/v1/numbers/{id}', 'numbers:read'],
      ['post', '/v1/numbers/{id}/release', 'numbers:write'],
    ];
    for (const [method, path, scope] of routes) {
      const op = doc.paths[path]?.[method];
      expect([method, path, Boolean(op)]).toEqual([method, path, true]);
      expect(op['x-required-scopes']).toEqual([scope]);
      expect(op.security).toEqual(expect.arrayContaining([{ bearer: [] }, { didhub_sid: [] }]));
    }
    // The operator's routes are in the operator's own document, served only to the admin token.
    const operatorDoc = (await t.http().get('/docs/admin/openapi.json').set('Authorization', `Bearer ${TEST_ADMIN_TOKEN}`).expect(200)).body;
    for (const [method, path] of [['get', '/v1/admin/bundles/{id}'], ['post', '/v1/admin/bundles/{id}/approve'], ['post', '/v1/admin/bundles/{id}/reject']]) {
      expect(doc.paths[path]).toBeUndefined();
      expect(operatorDoc.paths[path][method].security).toEqual([{ admin_token: [] }]);
    }
    const uploadBody = doc.paths['/v1/compliance/documents'].post.requestBody.content;
    expect(Object.keys(uploadBody)).toEqual(['multipart/form-data']);
    expect(uploadBody['multipart/form-data'].schema).toMatchObject({
      type: 'object',
      required: ['file', 'type'],
      properties: { file: { type: 'string', format: 'binary' }, type: { enum: expect.arrayContaining(['passport', 'id_card']) } },
    });
    expect(doc.paths['/v1/compliance/documents'].post.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'Idempotency-Key' })]));
  });
});
