import { INDIVIDUAL_DE, pdfBytes, tenant, type Tenant, upload } from '../support/compliance-fixtures';
import { startTestApp, TEST_ADMIN_TOKEN, type TestApp } from '../support/test-app';

/**
 * KYC integrity under concurrency: each attack of issue 19 replayed in many rounds. On PGlite the
 * requests serialise on its single connection, so these prove the outcomes are consistent; on
 * PostgreSQL they also interleave, and the row locks decide the order.
 */
const ROUNDS = 30;
/** Each retention round runs the whole job (every rule, one row per batch): fewer rounds, each landing elsewhere in the run. */
const RETENTION_ROUNDS = 12;
const FR_ADDRESS = { street: '8 rue de Rivoli', city: 'Paris', postal_code: '75004', country: 'FR' };

let seq = 0;
/** A German local number no other round uses. */
function deNumber(): string {
  seq++;
  return `+4930${String(Date.now() % 1e6).padStart(6, '0')}${String(seq).padStart(3, '0')}`;
}

/** Starts `first` at once and `second` after `lead` ms (or the other way round when negative), so rounds interleave differently. */
async function race<A, B>(lead: number, first: () => PromiseLike<A>, second: () => PromiseLike<B>): Promise<[A, B]> {
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  return Promise.all([
    (async () => {
      if (lead < 0) await pause(-lead);
      return first();
    })(),
    (async () => {
      if (lead > 0) await pause(lead);
      return second();
    })(),
  ]);
}

const lead = (round: number) => (round % 7) - 3;

describe('Compliance races', () => {
  jest.setTimeout(120_000);
  let t: TestApp;
  let a: Tenant;
  const admin = () => t.http().set('Authorization', `Bearer ${TEST_ADMIN_TOKEN}`);

  beforeAll(async () => {
    // One bundle per retention batch, with a pause between: the bundles deleted last are deleted
    // well after the rule picked them, which is the window the retention race needs.
    t = await startTestApp({ env: { RETENTION_BATCH_SIZE: '1', RETENTION_BATCH_PAUSE_MS: '25' } });
    a = await tenant(t);
  });
  afterAll(() => t.close());

  async function endUser(body: object = INDIVIDUAL_DE): Promise<string> {
    return (await a.client.post('/v1/compliance/end-users').send(body).expect(201)).body.id;
  }
  async function passport(endUserId?: string): Promise<string> {
    return (await upload(a.client, pdfBytes(200), endUserId ? { type: 'passport', end_user_id: endUserId } : { type: 'passport' }).expect(201)).body.id;
  }
  async function draft(endUserId: string, documentIds: string[]): Promise<string> {
    const res = await a.client
      .post('/v1/compliance/bundles')
      .send({ end_user_id: endUserId, document_ids: documentIds, country: 'DE', number_type: 'local' })
      .expect(201);
    return res.body.id;
  }

  let filler = 0;
  /**
   * `count` approved bundles of `endUserId` whose only number was released years ago, past every
   * regulator window, in id order (retention deletes them one per batch in that order); the last
   * one is deleted well after the rule picked it.
   */
  async function expiredBundles(endUserId: string, count: number): Promise<string[]> {
    const ids = Array.from({ length: count }, () => String(++filler).padStart(22, '0'));
    const releasedAt = new Date(Date.now() - 3 * 365 * 24 * 3600 * 1000);
    await t.prisma.bundle.createMany({
      data: ids.map((n) => ({
        id: `bun_${n}`,
        accountId: a.user.accountId,
        endUserId,
        country: 'DE',
        numberType: 'local',
        status: 'approved',
        requirementsVersion: '2026-01-01',
      })),
    });
    await t.prisma.phoneNumber.createMany({
      data: ids.map((n) => ({
        id: `num_${n}`,
        accountId: a.user.accountId,
        e164: deNumber(),
        country: 'DE',
        numberType: 'local',
        bundleId: `bun_${n}`,
        status: 'released',
        releasedAt,
      })),
    });
    return ids.map((n) => `bun_${n}`);
  }

  it('submit racing an end-user PATCH and a document deletion: never both; an approved bundle matches its data', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const eu = await endUser();
      const doc = await passport(eu);
      const bundle = await draft(eu, [doc]);
      // Odd rounds race the PATCH that makes the end-user noncompliant; even rounds delete the passport.
      const [submit, change] = await race(
        lead(round),
        () => a.client.post(`/v1/compliance/bundles/${bundle}/submit`),
        () =>
          round % 2
            ? a.client.patch(`/v1/compliance/end-users/${eu}`).send({ address: FR_ADDRESS, date_of_birth: null })
            : a.client.delete(`/v1/compliance/documents/${doc}`),
      );
      const label = `round ${round}: submit ${submit.status}, ${round % 2 ? 'PATCH' : 'DELETE'} ${change.status}`;
      if (submit.status === 200) {
        expect({ label, change: change.status, code: change.body.error?.code }).toEqual({
          label,
          change: 409,
          code: round % 2 ? 'end_user_locked' : 'document_in_use',
        });
        expect(submit.body.evaluation.result).toBe('compliant');
        const approved = await admin().post(`/v1/admin/bundles/${bundle}/approve`).send({});
        expect({ label, status: approved.status }).toEqual({ label, status: 200 });
        // What was approved is what is stored now.
        const now = await a.client.post(`/v1/compliance/bundles/${bundle}/evaluate`).expect(200);
        expect(now.body.result).toBe('compliant');
        const person = await a.client.get(`/v1/compliance/end-users/${eu}`).expect(200);
        expect(person.body).toMatchObject({ date_of_birth: INDIVIDUAL_DE.date_of_birth, address: { country: 'DE' } });
        await a.client.get(`/v1/compliance/documents/${doc}`).expect(200);
      } else {
        expect({ label, submit: submit.status, code: submit.body.error?.code, change: change.status }).toEqual({
          label,
          submit: 422,
          code: 'bundle_noncompliant',
          change: round % 2 ? 200 : 204,
        });
        const stored = await a.client.get(`/v1/compliance/bundles/${bundle}`).expect(200);
        expect(stored.body).toMatchObject({ status: 'draft', evaluation: null });
        await admin().post(`/v1/admin/bundles/${bundle}/approve`).send({}).expect(409);
      }
    }
  });

  it('approval re-evaluates: a bundle pending review whose data no longer complies is refused and stays pending', async () => {
    const eu = await endUser();
    const doc = await passport(eu);
    const bundle = await draft(eu, [doc]);
    await a.client.post(`/v1/compliance/bundles/${bundle}/submit`).expect(200);
    // A bundle left pending by the old race, its end-user changed after the evaluation was stored.
    await t.prisma.$executeRaw`UPDATE end_users SET address_country = 'FR' WHERE id = ${eu}`;
    const res = await admin().post(`/v1/admin/bundles/${bundle}/approve`).send({}).expect(422);
    expect(res.body.error).toMatchObject({ code: 'bundle_noncompliant', result: 'noncompliant', request_id: expect.any(String) });
    expect(res.body.error.results).toEqual(expect.arrayContaining([expect.objectContaining({ requirement: 'address_in_country', passed: false })]));
    expect((await a.client.get(`/v1/compliance/bundles/${bundle}`).expect(200)).body.status).toBe('pending_review');
    const number = await a.client.post('/v1/numbers').send({ e164: deNumber(), country: 'DE', number_type: 'local', bundle_id: bundle }).expect(422);
    expect(number.body.error.code).toBe('bundle_required');
    await admin().post(`/v1/admin/bundles/${bundle}/reject`).send({ reason: 'Address no longer in Germany.' }).expect(200);
  });

  it("an erased person's kept passport backs only the bundles that already used it, never a new one", async () => {
    const x = await endUser();
    const y = await endUser();
    const xPassport = await passport(x);
    const yBundle = await draft(y, [xPassport]);
    expect((await a.client.post(`/v1/compliance/bundles/${yBundle}/submit`).expect(422)).body.error.code).toBe('bundle_noncompliant');

    await a.client.delete(`/v1/compliance/end-users/${x}`).expect(204);
    const kept = await a.client.get(`/v1/compliance/documents/${xPassport}`).expect(200);
    expect(kept.body.end_user_id).toBeNull();

    const submit = await a.client.post(`/v1/compliance/bundles/${yBundle}/submit`).expect(422);
    expect(submit.body.error.code).toBe('bundle_noncompliant');
    expect(submit.body.error.results).toEqual(
      expect.arrayContaining([
        { requirement: 'documents_subject_present', passed: false, failure_reason: expect.any(String), invalid: [{ field: `document_ids.${xPassport}`, reason: 'its end-user was erased' }] },
        expect.objectContaining({ requirement: 'identity_document', passed: false }),
      ]),
    );
    expect((await a.client.get(`/v1/compliance/bundles/${yBundle}`).expect(200)).body.status).toBe('draft');

    const yOwn = await passport(y);
    const fresh = await a.client
      .post('/v1/compliance/bundles')
      .send({ end_user_id: y, document_ids: [yOwn, xPassport], country: 'DE', number_type: 'local' })
      .expect(422);
    expect(fresh.body.error).toMatchObject({ code: 'document_subject_erased', param: 'document_ids[1]' });
    expect(JSON.stringify(fresh.body)).not.toContain(INDIVIDUAL_DE.last_name);
    // The person's own bundle with their own passport is unaffected.
    await a.client.post(`/v1/compliance/bundles/${await draft(y, [yOwn])}/submit`).expect(200);
  });

  it('retention racing a number assignment on an expired bundle: never an active number whose bundle is gone', async () => {
    const operator = () => admin();
    const eu = await endUser();
    for (let round = 0; round < RETENTION_ROUNDS; round++) {
      const bundleId = (await expiredBundles(eu, 5)).at(-1)!;
      const [run, number] = await race(
        // The assignment lands at a different point of the run each round, before, during and after the rule.
        (round * 53) % 160,
        () => operator().post('/v1/admin/retention/run').send({}),
        () => a.client.post('/v1/numbers').send({ e164: deNumber(), country: 'DE', number_type: 'local', bundle_id: bundleId }),
      );
      expect(run.status).toBe(202);
      let current = run.body;
      for (let i = 0; i < 500 && current.status === 'running'; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        current = (await operator().get(`/v1/admin/retention/runs/${run.body.id}`)).body;
      }
      expect(current).toMatchObject({ status: 'completed', error: null });

      const label = `round ${round}: number ${number.status}`;
      if (number.status === 201) {
        const stored = await a.client.get(`/v1/numbers/${number.body.id}`).expect(200);
        expect({ label, status: stored.body.status, bundle: stored.body.bundle_id }).toEqual({ label, status: 'active', bundle: bundleId });
        expect({ label, bundle: (await a.client.get(`/v1/compliance/bundles/${bundleId}`)).status }).toEqual({ label, bundle: 200 });
      } else {
        expect({ label, status: number.status, code: number.body.error?.code }).toEqual({ label, status: 422, code: 'bundle_required' });
        expect({ label, bundle: (await a.client.get(`/v1/compliance/bundles/${bundleId}`)).status }).toEqual({ label, bundle: 404 });
      }
    }
    const orphans = await t.prisma.phoneNumber.count({ where: { accountId: a.user.accountId, status: 'active', bundleId: null } });
    expect(orphans).toBe(0);
  });

  it('an upload filed under an end-user being erased: 404 naming end_user_id or erased with them, never a 500', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const x = await endUser();
      const [uploaded, erased] = await race(
        lead(round),
        () => upload(a.client, pdfBytes(200), { type: 'passport', end_user_id: x }),
        () => a.client.delete(`/v1/compliance/end-users/${x}`),
      );
      const label = `round ${round}: upload ${uploaded.status}, erase ${erased.status}`;
      expect({ label, erased: erased.status }).toEqual({ label, erased: 204 });
      if (uploaded.status === 201) {
        // It was filed before the erasure, so it went with the person.
        expect({ label, doc: (await a.client.get(`/v1/compliance/documents/${uploaded.body.id}`)).status }).toEqual({ label, doc: 404 });
      } else {
        expect({ label, status: uploaded.status, code: uploaded.body.error?.code, param: uploaded.body.error?.param }).toEqual({
          label,
          status: 404,
          code: 'resource_missing',
          param: 'end_user_id',
        });
      }
    }
    expect(await t.prisma.document.count({ where: { accountId: a.user.accountId, status: 'uploading' } })).toBe(0);
  });

  it('a bundle created from a document being erased: 404 naming the document, or the document kept for it; never a 500', async () => {
    const y = await endUser();
    for (let round = 0; round < ROUNDS; round++) {
      const x = await endUser();
      // Even rounds: X's own passport. Odd rounds: an unattributed passport used in X's draft bundle.
      const attributed = round % 2 === 0;
      const doc = attributed ? await passport(x) : await passport();
      if (!attributed) await draft(x, [doc]);
      const [created, erased] = await race(
        lead(round),
        () => a.client.post('/v1/compliance/bundles').send({ end_user_id: y, document_ids: [doc], country: 'DE', number_type: 'local' }),
        () => a.client.delete(`/v1/compliance/end-users/${x}`),
      );
      const label = `round ${round}: create ${created.status}, erase ${erased.status}`;
      expect({ label, erased: erased.status }).toEqual({ label, erased: 204 });
      if (created.status === 201) {
        // The new bundle references it, so erasure kept it — detached from the erased person.
        const kept = await a.client.get(`/v1/compliance/documents/${doc}`);
        expect({ label, status: kept.status, owner: kept.body.end_user_id }).toEqual({ label, status: 200, owner: null });
        if (attributed) {
          const evaluation = await a.client.post(`/v1/compliance/bundles/${created.body.id}/evaluate`).expect(200);
          expect(evaluation.body.results).toEqual(expect.arrayContaining([expect.objectContaining({ requirement: 'documents_subject_present', passed: false })]));
        }
      } else {
        expect({ label, status: created.status, code: created.body.error?.code, param: created.body.error?.param }).toEqual({
          label,
          status: 404,
          code: 'resource_missing',
          param: 'document_ids[0]',
        });
        expect({ label, doc: (await a.client.get(`/v1/compliance/documents/${doc}`)).status }).toEqual({ label, doc: 404 });
      }
    }
  });
});
