import { multipart, pdfBytes } from '../support/compliance-fixtures';
import { seedApiKey, seedUser } from '../support/seed';
import { startTestApp, TEST_ADMIN_TOKEN, type TestApp } from '../support/test-app';

type Doc = {
  paths: Record<
    string,
    Record<
      string,
      {
        operationId: string;
        security?: unknown;
        parameters?: { name: string; schema?: { type?: string } }[];
        requestBody?: { content: Record<string, { examples?: Record<string, { value: object }> }> };
        responses: Record<string, { content?: Record<string, { schema?: { $ref?: string }; example?: { error: { code: string } } }> }>;
      }
    >
  >;
  components: { securitySchemes: Record<string, unknown>; schemas: Record<string, { properties?: Record<string, { type?: string }> }> };
};
const operationsOf = (doc: Doc) => Object.values(doc.paths).flatMap((item) => Object.values(item));

describe('the OpenAPI documents and the answers they promise', () => {
  let t: TestApp;
  let key: string;
  beforeAll(async () => {
    t = await startTestApp();
    const user = await seedUser(t, { apiKeysEnabled: true });
    key = await seedApiKey(t, user.accountId);
  });
  afterAll(async () => {
    await t.close();
  });

  it('keeps operator endpoints out of the public document; their own is served only to the admin token', async () => {
    const pub = (await t.http().get('/docs/openapi.json').expect(200)).body as Doc;
    expect(operationsOf(pub).filter((op) => JSON.stringify(op.security).includes('admin_token')).map((op) => op.operationId)).toEqual([]);
    expect(Object.keys(pub.paths).filter((path) => path.startsWith('/v1/admin'))).toEqual([]);
    expect(pub.components.securitySchemes.admin_token).toBeUndefined();

    await t.http().get('/docs/admin/openapi.json').expect(401);
    const refused = await t.http().get('/docs/admin/openapi.json').set('Authorization', `Bearer ${key}`).expect(401);
    expect(refused.body.error.code).toBe('invalid_admin_token');
    const admin = (await t.http().get('/docs/admin/openapi.json').set('Authorization', `Bearer ${TEST_ADMIN_TOKEN}`).expect(200)).body as Doc;
    const byId = Object.fromEntries(operationsOf(admin).map((op) => [op.operationId, op]));
    expect(byId.getAdminAccount.security).toEqual([{ admin_token: [] }]);
    expect(byId.getAdminAccount.responses['429']).toBeUndefined(); // the operator surface is not rate limited
    expect(Object.keys(admin.paths).every((path) => path.startsWith('/v1/admin'))).toBe(true);
  });

  it('declares what operations really answer, with resource-style ids and no Request-named response schema', async () => {
    const pub = (await t.http().get('/docs/openapi.json').expect(200)).body as Doc;
    const byId = Object.fromEntries(operationsOf(pub).map((op) => [op.operationId, op]));
    expect(Object.keys(byId)).toEqual(expect.arrayContaining(['closeAccount', 'regenerateMfaRecoveryCodes', 'getDocumentContent']));
    expect(Object.keys(byId)).not.toEqual(expect.arrayContaining(['closeAccountClosure']));
    expect(Object.keys(byId.uploadDocument.responses)).toEqual(expect.arrayContaining(['201', '404', '413', '415', '422']));
    expect(Object.keys(byId.exportCdrs.responses['200'].content ?? {})).toEqual(['text/csv']);
    expect(byId.eraseEndUser.responses['200'].content?.['application/json']?.schema?.$ref).toBe('#/components/schemas/ErasurePreview');
    const requestNamed = operationsOf(pub).flatMap((op) =>
      Object.values(op.responses).flatMap((r) => Object.values(r.content ?? {}).map((c) => c.schema?.$ref ?? '')).filter((ref) => ref.endsWith('Request')),
    );
    expect(requestNamed).toEqual([]);
    const admin = (await t.http().get('/docs/admin/openapi.json').set('Authorization', `Bearer ${TEST_ADMIN_TOKEN}`).expect(200)).body as Doc;
    expect(operationsOf(admin).map((op) => op.operationId)).toContain('listRetentionRuns');
    // Each error status shows its own example, not the same 400 everywhere.
    const codes = Object.fromEntries(
      Object.entries(byId.uploadDocument.responses)
        .filter(([status]) => /^[45]/.test(status))
        .map(([status, r]) => [status, r.content?.['application/json']?.example?.error.code]),
    );
    expect(codes).toMatchObject({ '400': 'parameter_invalid', '401': 'authentication_required', '404': 'resource_missing', '413': 'file_too_large', '415': 'file_type_unsupported', '429': 'rate_limited' });
    expect(new Set(Object.values(codes)).size).toBe(Object.keys(codes).length);
  });

  it('"Try it out" examples work as documented: each createEndUser example, and an upload with end_user_id left empty', async () => {
    const pub = (await t.http().get('/docs/openapi.json').expect(200)).body as Doc;
    const examples = pub.paths['/v1/compliance/end-users'].post.requestBody!.content['application/json'].examples!;
    expect(Object.keys(examples).sort()).toEqual(['business', 'individual']);
    for (const { value } of Object.values(examples)) {
      await t.http().post('/v1/compliance/end-users').set('Authorization', `Bearer ${key}`).send(value).expect(201);
    }
    // What Swagger UI sends for the upload form with the optional field left empty.
    const { body, contentType } = multipart([
      { name: 'type', value: 'passport' },
      { name: 'end_user_id', value: '' },
      { name: 'file', filename: 'passport.pdf', contentType: 'application/pdf', value: pdfBytes() },
    ]);
    const uploaded = await t.http().post('/v1/compliance/documents').set('Authorization', `Bearer ${key}`).set('Content-Type', contentType).send(body).expect(201);
    expect(uploaded.body.end_user_id).toBeNull();
  });

  it('declares limit and port as integers', async () => {
    const pub = (await t.http().get('/docs/openapi.json').expect(200)).body as Doc;
    const limit = pub.paths['/v1/cdrs'].get.parameters!.find((p) => p.name === 'limit');
    expect(limit?.schema?.type).toBe('integer');
    const ports = Object.values(pub.components.schemas).flatMap((schema) => (schema.properties?.port ? [schema.properties.port.type] : []));
    expect(ports.length).toBeGreaterThan(0);
    expect(ports.every((type) => type === 'integer')).toBe(true);
  });

  it('answers a wrong method on a known path with 405 and Allow; an unknown path stays 404', async () => {
    const res = await t.http().delete('/v1/account').set('Authorization', `Bearer ${key}`).expect(405);
    expect(res.headers.allow).toBe('GET, HEAD, PATCH');
    expect(res.body.error).toMatchObject({ code: 'method_not_allowed', message: 'DELETE is not allowed on this endpoint; it answers GET, HEAD, PATCH.' });
    const withParam = await t.http().put('/v1/numbers/num_abc').set('Authorization', `Bearer ${key}`).send({}).expect(405);
    expect(withParam.headers.allow).toContain('GET');
    const unknown = await t.http().get('/v1/no-such-thing').expect(404);
    expect(unknown.body.error.code).toBe('route_not_found');
  });

  it('tells a caller who sent the key without "Bearer" what to send', async () => {
    const res = await t.http().get('/v1/account').set('Authorization', key).expect(401);
    expect(res.body.error).toMatchObject({ code: 'invalid_api_key', message: expect.stringContaining('Authorization: Bearer didhub_live_') });
    expect(JSON.stringify(res.body)).not.toContain(key);
  });

  it('limit=abc is a 400 saying limit must be an integer', async () => {
    const res = await t.http().get('/v1/cdrs?limit=abc').set('Authorization', `Bearer ${key}`).expect(400);
    expect(res.body.error).toMatchObject({ param: 'limit', message: expect.stringContaining('limit must be an integer') });
  });
});

describe('DOCS_ENABLED=false', () => {
  it('serves no Swagger UI and no document', async () => {
    const t = await startTestApp({ env: { DOCS_ENABLED: 'false' } });
    try {
      await t.http().get('/docs/').expect(404);
      await t.http().get('/docs/openapi.json').expect(404);
      await t.http().get('/docs/admin/openapi.json').set('Authorization', `Bearer ${TEST_ADMIN_TOKEN}`).expect(404);
      await t.http().get('/v1/health').expect(200);
    } finally {
      await t.close();
    }
  });
});
