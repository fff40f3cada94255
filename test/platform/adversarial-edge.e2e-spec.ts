import { toApiError } from '../../src/platform/errors/to-api-error';
import { bearerClient, seedApiKey, seedUser, sessionClient, uniqueEmail } from '../support/seed';
import { startTestApp, type TestApp, type TestClient } from '../support/test-app';

/** The individual reproductions behind the adversarial suite, each checked for what a user would notice. */
describe('input edge: reproductions', () => {
  let t: TestApp;
  let dashboard: TestClient;
  let accountId: string;

  beforeAll(async () => {
    t = await startTestApp();
    const owner = await seedUser(t, { apiKeysEnabled: true });
    accountId = owner.accountId;
    dashboard = await sessionClient(t, owner);
  });
  afterAll(async () => {
    await t.close();
  });

  const accountName = async () => (await t.prisma.account.findUniqueOrThrow({ where: { id: accountId } })).name;

  it('refuses an unknown field on PATCH with 400 unknown_parameter and changes nothing', async () => {
    const before = await accountName();
    const res = await dashboard.patch('/v1/account').send({ name: 'Renamed', plan: 'enterprise' }).expect(400);
    expect(res.body.error).toMatchObject({ code: 'unknown_parameter', param: 'plan' });
    expect(await accountName()).toBe(before);
  });

  it('refuses a form body on PATCH with 415 instead of a 200 no-op', async () => {
    const before = await accountName();
    const res = await dashboard.patch('/v1/account').set('Content-Type', 'application/x-www-form-urlencoded').send('name=Renamed');
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe('unsupported_media_type');
    expect(await accountName()).toBe(before);
  });

  it('names the expected type for a wrong-type field, not a length', async () => {
    const res = await dashboard.patch('/v1/account').send({ name: { first: 'x'.repeat(200) } }).expect(400);
    expect(res.body.error).toMatchObject({ code: 'parameter_invalid', param: 'name', message: 'name must be a string.' });
    const missing = await dashboard.post('/v1/api-keys').send({}).expect(400);
    expect(missing.body.error).toMatchObject({ param: 'name', message: 'name is required: a string.' });
    const noBody = await dashboard.post('/v1/api-keys').expect(400);
    expect(noBody.body.error).toMatchObject({ param: 'name', message: 'name is required: a string.' });
    const integer = await t.http().patch(`/v1/admin/accounts/${accountId}`).set('Authorization', `Bearer ${t.config.adminApiToken}`).send({ rate_limit_read_per_minute: 1e20 });
    expect(integer.status).toBe(400);
    expect(integer.body.error).toMatchObject({ param: 'rate_limit_read_per_minute', message: 'rate_limit_read_per_minute must be an integer.' });
  });

  it.each(['Line\nbreak', 'Carriage\rreturn', 'Tab\there', 'Next\u0085line', 'Line\u2028separator', 'Para\u2029graph', 'Bell\u0007'])(
    'refuses control characters in single-line names (%j)',
    async (name) => {
      const before = await accountName();
      const res = await dashboard.patch('/v1/account').send({ name }).expect(400);
      expect(res.body.error).toMatchObject({ code: 'parameter_invalid', param: 'name' });
      expect(await accountName()).toBe(before);
      const key = await dashboard.post('/v1/api-keys').send({ name });
      expect(key.status).toBe(400);
      expect(key.body.error.param).toBe('name');
    },
  );

  it('refuses a newline in sign-up names with 400 naming the field', async () => {
    for (const field of ['name', 'account_name']) {
      const body = { email: uniqueEmail(), password: 'a long enough passphrase', name: 'Ada', account_name: 'Engines', [field]: 'Ada\nhttps://evil.example' };
      const res = await t.http().post('/v1/auth/signup').send(body).expect(400);
      expect(res.body.error.param).toBe(field);
    }
    await dashboard.patch('/v1/account').send({ name: 'Plain name — ünïcode ok' }).expect(200);
  });

  it('answers a NUL byte at sign-up with the same 400 for a new and a known address (no oracle, no 500)', async () => {
    const known = await seedUser(t);
    const statuses = [];
    for (const email of [uniqueEmail(), known.email]) {
      const res = await t.http().post('/v1/auth/signup').send({ email, password: 'a long enough passphrase', name: 'a\u0000b', account_name: 'x' });
      statuses.push([res.status, res.body.error?.code, res.body.error?.param]);
    }
    expect(statuses).toEqual([
      [400, 'parameter_invalid', 'name'],
      [400, 'parameter_invalid', 'name'],
    ]);
  });

  it('answers a lone surrogate in the login e-mail with 400, not a URIError 500', async () => {
    const res = await t.http().post('/v1/auth/login').set('Content-Type', 'application/json').send('{"email":"\\ud800","password":"x"}');
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'parameter_invalid', param: 'email' });
  });

  it('keeps a well-formed astral character (a surrogate pair) intact', async () => {
    await dashboard.patch('/v1/account').set('Content-Type', 'application/json').send('{"name":"Rocket \\ud83d\\ude80"}').expect(200);
    expect(await accountName()).toBe('Rocket 🚀');
  });

  it('checks query strings: unknown, repeated and NUL parameters are 400s naming them', async () => {
    const unknown = await dashboard.get('/v1/api-keys?limit=5&sort=name').expect(400);
    expect(unknown.body.error).toMatchObject({ code: 'unknown_parameter', param: 'sort' });
    const repeated = await dashboard.get('/v1/api-keys?limit=5&limit=6').expect(400);
    expect(repeated.body.error).toMatchObject({ code: 'parameter_invalid', param: 'limit' });
    const key = bearerClient(t, await seedApiKey(t, accountId));
    const nul = await key.get('/v1/cdrs?number=%2B1%00').expect(400);
    expect(nul.body.error).toMatchObject({ code: 'parameter_invalid', param: 'number' });
    const path = await dashboard.get('/v1/api-keys/key_%00').expect(400);
    expect(path.body.error.param).toBe('id');
  });

  it('maps PostgreSQL refusing text (SQLSTATE 22021) to a 400, never a 500, as the last line of defence', async () => {
    const failure = await t.prisma.account.update({ where: { id: accountId }, data: { name: 'a\u0000b' } }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).not.toBeNull();
    const { error, known } = toApiError(failure, t.config.bodyLimitBytes);
    expect(known).toBe(true);
    expect(error.getStatus()).toBe(400);
    expect(error.body.code).toBe('parameter_invalid');
    const raw = await t.prisma.$queryRawUnsafe('select $1::text', 'a\u0000b').then(
      () => null,
      (e: unknown) => e,
    );
    expect(toApiError(raw, t.config.bodyLimitBytes).error.getStatus()).toBe(400);
  });
});
