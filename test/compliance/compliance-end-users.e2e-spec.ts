import { execFileSync } from 'node:child_process';
import { BUSINESS_DE, INDIVIDUAL_DE, pdfBytes, PLAINTEXT_MARKER, tenant, type Tenant, upload } from '../support/compliance-fixtures';
import { startTestApp, type TestApp, usingPostgres } from '../support/test-app';

function pgDumpAvailable(): boolean {
  try {
    execFileSync('pg_dump', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('Compliance end-users', () => {
  let t: TestApp;
  let a: Tenant;
  const logs: string[] = [];

  beforeAll(async () => {
    t = await startTestApp({ env: { LOG_LEVEL: 'trace' }, captureLogs: logs });
    a = await tenant(t);
  });
  afterAll(() => t.close());

  it('creates an individual; the document number is never returned, only its last four characters', async () => {
    const res = await a.client.post('/v1/compliance/end-users').send(INDIVIDUAL_DE).expect(201);
    expect(res.body).toMatchObject({
      object: 'end_user',
      type: 'individual',
      first_name: 'Erika',
      last_name: 'Mustermann',
      date_of_birth: '1964-08-12',
      document_type: 'passport',
      document_number_last4: '0T47',
      address: { street: 'Heidestraße 17', city: 'Köln', region: null, postal_code: '51147', country: 'DE' },
    });
    expect(res.body.id).toMatch(/^eu_/);
    expect(JSON.stringify(res.body)).not.toContain('C01X00T47');
    const got = await a.client.get(`/v1/compliance/end-users/${res.body.id}`).expect(200);
    expect(got.body).toEqual(res.body);
    expect(JSON.stringify(got.body)).not.toContain('C01X00T47');
  });

  it('keeps date of birth, document number and registration number as ciphertext at rest (raw SQL and pg_dump)', async () => {
    const person = await a.client.post('/v1/compliance/end-users').send({ ...INDIVIDUAL_DE, document_number: 'ZX9876543Q', date_of_birth: '1971-03-09' }).expect(201);
    const firm = await a.client.post('/v1/compliance/end-users').send({ ...BUSINESS_DE, registration_number: 'HRB 555777' }).expect(201);
    await upload(a.client, pdfBytes(), { type: 'passport', end_user_id: person.body.id }).expect(201);
    const rows = await t.prisma.$queryRaw<Record<string, unknown>[]>`
      SELECT * FROM end_users WHERE id IN (${person.body.id}, ${firm.body.id})`;
    const raw = JSON.stringify(rows);
    for (const secret of ['ZX9876543Q', '1971-03-09', '1971', 'HRB 555777', '555777']) expect(raw).not.toContain(secret);
    const p = rows.find((r) => r.id === person.body.id)!;
    expect(p.document_number_enc).toMatch(/^v1\./);
    expect(p.date_of_birth_enc).toMatch(/^v1\./);
    expect(rows.find((r) => r.id === firm.body.id)!.registration_number_enc).toMatch(/^v1\./);

    if (usingPostgres() && pgDumpAvailable()) {
      const dump = execFileSync('pg_dump', ['--data-only', process.env.DATABASE_URL!], { maxBuffer: 256 * 1024 * 1024 });
      for (const secret of ['ZX9876543Q', '1971-03-09', 'HRB 555777', PLAINTEXT_MARKER]) {
        expect(dump.includes(Buffer.from(secret))).toBe(false);
      }
      expect(dump.includes(Buffer.from('Mustermann'))).toBe(true); // the dump did read the table
    }
  });

  it.each([
    ['individual without first_name', { ...INDIVIDUAL_DE, first_name: undefined }, 'first_name'],
    ['a business field on an individual', { ...INDIVIDUAL_DE, business_name: 'X' }, 'business_name'],
    ['an individual field on a business', { ...BUSINESS_DE, last_name: 'Y' }, 'last_name'],
    ['business without business_name', { ...BUSINESS_DE, business_name: undefined }, 'business_name'],
    ['an impossible date of birth', { ...INDIVIDUAL_DE, date_of_birth: '1990-02-30' }, 'date_of_birth'],
    ['a future date of birth', { ...INDIVIDUAL_DE, date_of_birth: '2999-01-01' }, 'date_of_birth'],
    ['a date of birth that is not a date', { ...INDIVIDUAL_DE, date_of_birth: 'yesterday' }, 'date_of_birth'],
    ['document_type without document_number', { ...INDIVIDUAL_DE, document_number: undefined }, 'document_number'],
    ['an unknown document_type', { ...INDIVIDUAL_DE, document_type: 'library_card' }, 'document_type'],
    ['a lower-case country', { ...INDIVIDUAL_DE, address: { ...INDIVIDUAL_DE.address, country: 'de' } }, 'address.country'],
    ['a missing address', { ...INDIVIDUAL_DE, address: undefined }, 'address'],
    ['a missing postal code', { ...INDIVIDUAL_DE, address: { ...INDIVIDUAL_DE.address, postal_code: undefined } }, 'address.postal_code'],
    ['an unknown type', { ...INDIVIDUAL_DE, type: 'robot' }, 'type'],
    ['an unknown field', { ...INDIVIDUAL_DE, nickname: 'E' }, 'nickname'],
  ])('refuses %s with a 400 naming the field, writing nothing', async (_name, body, param) => {
    const before = await t.prisma.endUser.count({ where: { accountId: a.user.accountId } });
    const res = await a.client.post('/v1/compliance/end-users').send(body).expect(400);
    expect(res.body.error.param).toBe(param);
    expect(res.body.error.message).not.toContain('C01X00T47');
    expect(await t.prisma.endUser.count({ where: { accountId: a.user.accountId } })).toBe(before);
  });

  it('updates fields, clears optional ones with null, refuses a type change or clearing a required field', async () => {
    const eu = await a.client.post('/v1/compliance/end-users').send(INDIVIDUAL_DE).expect(201);
    const patched = await a.client
      .patch(`/v1/compliance/end-users/${eu.body.id}`)
      .send({ address: { ...INDIVIDUAL_DE.address, city: 'Bonn' }, document_number: 'K1234567', date_of_birth: null })
      .expect(200);
    expect(patched.body).toMatchObject({ document_number_last4: '4567', date_of_birth: null, address: { city: 'Bonn' } });
    await a.client.patch(`/v1/compliance/end-users/${eu.body.id}`).send({ type: 'business' }).expect(400);
    const cleared = await a.client.patch(`/v1/compliance/end-users/${eu.body.id}`).send({ last_name: null }).expect(400);
    expect(cleared.body.error.param).toBe('last_name');
    const orphan = await a.client.patch(`/v1/compliance/end-users/${eu.body.id}`).send({ document_type: null }).expect(400);
    expect(orphan.body.error.param).toBe('document_type');
  });

  it('lists newest first with keyset pagination', async () => {
    const b = await tenant(t);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await b.client.post('/v1/compliance/end-users').send(BUSINESS_DE).expect(201)).body.id);
    const first = await b.client.get('/v1/compliance/end-users?limit=2').expect(200);
    expect(first.body.has_more).toBe(true);
    const second = await b.client.get(`/v1/compliance/end-users?limit=2&cursor=${encodeURIComponent(first.body.next_cursor)}`).expect(200);
    expect([...first.body.data, ...second.body.data].map((e: { id: string }) => e.id)).toEqual(ids.reverse());
    expect(second.body.has_more).toBe(false);
  });

  it('replays an idempotent create whole; the record holds its personal data only encrypted, the logs not at all', async () => {
    const key = `eu-${Date.now()}`;
    const body = { ...INDIVIDUAL_DE, last_name: 'Zwiebelfisch', document_number: 'QQ7766554' };
    const first = await a.client.post('/v1/compliance/end-users').set('Idempotency-Key', key).send(body).expect(201);
    const replay = await a.client.post('/v1/compliance/end-users').set('Idempotency-Key', key).send(body).expect(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body.id).toBe(first.body.id);
    expect(replay.text).toBe(first.text);
    const records = await t.prisma.$queryRaw<Record<string, unknown>[]>`SELECT * FROM idempotency_records WHERE key = ${key}`;
    expect(records).toHaveLength(1);
    const stored = JSON.stringify(records, (_, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v));
    for (const secret of ['Zwiebelfisch', 'QQ7766554', '1964-08-12', '6554']) expect(stored).not.toContain(secret);
    await a.client.post('/v1/compliance/end-users').send({ ...body, date_of_birth: '1990-02-30' }).expect(400);
    const logged = logs.join('\n');
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of ['Zwiebelfisch', 'QQ7766554', '1990-02-30']) expect(logged).not.toContain(secret);
  });

  it('enforces compliance scopes on keys: read-only keys read, cannot write; numbers-only keys get 403', async () => {
    const reader = await tenant(t, ['compliance:read']);
    await reader.client.get('/v1/compliance/end-users').expect(200);
    await reader.client.get('/v1/compliance/requirements').expect(200);
    const denied = await reader.client.post('/v1/compliance/end-users').send(BUSINESS_DE).expect(403);
    expect(denied.body.error.type).toBe('permission_error');
    const numbersOnly = await tenant(t, ['numbers:read', 'numbers:write']);
    await numbersOnly.client.get('/v1/compliance/end-users').expect(403);
    await numbersOnly.client.get('/v1/numbers').expect(200);
  });

  it('serves the requirements table with its version', async () => {
    const de = await a.client.get('/v1/compliance/requirements?country=DE&number_type=local&end_user_type=individual').expect(200);
    expect(de.body.requirements_version).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(de.body.data).toHaveLength(1);
    expect(de.body.data[0]).toMatchObject({ country: 'DE', bundle_required: true });
    expect(de.body.data[0].requirements.map((r: { id: string }) => r.id)).toEqual(['end_user_identity', 'address_in_country', 'identity_document']);
    const us = await a.client.get('/v1/compliance/requirements?country=US&number_type=local&end_user_type=business').expect(200);
    expect(us.body.data).toEqual([expect.objectContaining({ bundle_required: false, requirements: [] })]);
    const all = await a.client.get('/v1/compliance/requirements').expect(200);
    expect(all.body.data.map((s: { country: string; number_type: string }) => `${s.country}/${s.number_type}`)).toEqual(
      expect.arrayContaining(['DE/local', 'GB/local', 'FR/national']),
    );
    await a.client.get('/v1/compliance/requirements?country=Germany').expect(400);
  });
});
