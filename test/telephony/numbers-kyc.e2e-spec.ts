import { approvedBundle, tenant, type Tenant } from '../support/compliance-fixtures';
import { phoneNumbers } from '../support/phone-numbers';
import { startTestApp, TEST_ADMIN_TOKEN, type TestApp } from '../support/test-app';

/** Issue 19: the rules follow what the number is, not what the client declares it to be. */
describe('Numbers: the number itself decides the KYC rules', () => {
  let t: TestApp;
  let a: Tenant;
  let deLocalBundle: string;

  beforeAll(async () => {
    t = await startTestApp();
    a = await tenant(t);
    deLocalBundle = (await approvedBundle(t, a.client, TEST_ADMIN_TOKEN)).bundleId;
  });
  afterAll(() => t.close());

  const numbersOf = (accountId: string) => t.prisma.phoneNumber.count({ where: { accountId } });

  /** Sends the request, expects a refusal naming `param`, and checks nothing was written. */
  async function refused(body: Record<string, unknown>, status: number, param: string, code = status === 422 ? 'bundle_required' : 'parameter_invalid') {
    const before = await numbersOf(a.user.accountId);
    const res = await a.client.post('/v1/numbers').send(body);
    expect({ status: res.status, code: res.body.error?.code, param: res.body.error?.param }).toEqual({ status, code, param });
    expect(res.body.error.request_id).toEqual(expect.any(String));
    expect(await numbersOf(a.user.accountId)).toBe(before);
    return res.body.error;
  }

  it('a Berlin number declared as US local is refused (400 naming country), not assigned without a bundle', async () => {
    const e164 = phoneNumbers.deLocal();
    const error = await refused({ e164, country: 'US', number_type: 'local' }, 400, 'country');
    expect(error.message).toBe('country is US, but e164 is a number of DE.');
    // Undeclared, the same number is what it is: a DE local number, which needs a bundle.
    const needs = await refused({ e164 }, 422, 'bundle_id');
    expect(needs.missing).toEqual([expect.objectContaining({ requirement: 'bundle', reason: expect.stringContaining('DE local numbers need an approved bundle') })]);
  });

  it('a Berlin number declared as mobile is refused (400 naming number_type)', async () => {
    const error = await refused({ e164: phoneNumbers.deLocal(), country: 'DE', number_type: 'mobile' }, 400, 'number_type');
    expect(error.message).toBe('number_type is mobile, but e164 is a local number.');
    await refused({ e164: phoneNumbers.deLocal(), number_type: 'toll_free' }, 400, 'number_type');
    await refused({ e164: phoneNumbers.deMobile(), number_type: 'local' }, 400, 'number_type');
  });

  it('a London number declared as country XX is refused (400 naming country); a cut-off +4420 is no number (400 naming e164)', async () => {
    await refused({ e164: phoneNumbers.gbLocal(), country: 'XX', number_type: 'local' }, 400, 'country');
    await refused({ e164: phoneNumbers.gbLocal(), country: 'DE', number_type: 'local' }, 400, 'country');
    for (const e164 of ['+4420', '+44201234', '+4420123456789', '+9991234567', '+12120550123', '+4915']) {
      await refused({ e164, country: 'GB', number_type: 'local' }, 400, 'e164');
    }
    // The national trunk 0 after the country code is not E.164.
    expect((await refused({ e164: '+4903012345678' }, 400, 'e164')).message).toBe('e164 must be written in E.164 form: +493012345678.');
  });

  it('kinds of number that are not offered are refused with 400 number_type_unsupported naming e164', async () => {
    for (const e164 of ['+499001234567', '+4918012345678', '+447012345678', '+80012345678']) {
      const error = await refused({ e164 }, 400, 'e164', 'number_type_unsupported');
      expect(error.message).toMatch(/number; those are not offered\.$/);
    }
  });

  it('country and number_type may be left out: the response says what the number is', async () => {
    const us = phoneNumbers.usLocal();
    const res = await a.client.post('/v1/numbers').send({ e164: us }).expect(201);
    expect(res.body).toMatchObject({ e164: us, country: 'US', number_type: 'local', bundle_id: null, status: 'active' });

    const mobile = phoneNumbers.deMobile();
    expect((await a.client.post('/v1/numbers').send({ e164: mobile, country: 'DE', number_type: 'mobile' }).expect(201)).body).toMatchObject({
      country: 'DE',
      number_type: 'mobile',
    });
    const freephone = phoneNumbers.deTollFree();
    expect((await a.client.post('/v1/numbers').send({ e164: freephone }).expect(201)).body).toMatchObject({ country: 'DE', number_type: 'toll_free' });

    const local = phoneNumbers.deLocal();
    const assigned = await a.client.post('/v1/numbers').send({ e164: local, bundle_id: deLocalBundle }).expect(201);
    expect(assigned.body).toMatchObject({ e164: local, country: 'DE', number_type: 'local', bundle_id: deLocalBundle });
    expect(await t.prisma.phoneNumber.findUniqueOrThrow({ where: { id: assigned.body.id }, select: { country: true, numberType: true } })).toEqual({
      country: 'DE',
      numberType: 'local',
    });
  });

  it('applies the requirements of what the number really is: GB local and FR national need their own bundles', async () => {
    const gb = await refused({ e164: phoneNumbers.gbLocal(), country: 'GB', number_type: 'local' }, 422, 'bundle_id');
    expect(gb.missing[0].reason).toContain('GB local numbers need an approved bundle');
    await refused({ e164: phoneNumbers.frNational() }, 422, 'bundle_id');
    // A Paris fixed line is local, for which the table has no rules.
    await a.client.post('/v1/numbers').send({ e164: phoneNumbers.frLocal() }).expect(201);
  });

  it('a bundle only backs numbers of its own country and type', async () => {
    const gb = await refused({ e164: phoneNumbers.gbLocal(), bundle_id: deLocalBundle }, 422, 'bundle_id');
    expect(gb.missing.map((m: { requirement: string }) => m.requirement)).toEqual(['bundle_country']);
    const frNational = await refused({ e164: phoneNumbers.frNational(), bundle_id: deLocalBundle }, 422, 'bundle_id');
    expect(frNational.missing.map((m: { requirement: string }) => m.requirement)).toEqual(['bundle_country', 'bundle_number_type']);
    // A DE mobile needs no bundle, but one that is named must fit it.
    const mobile = await refused({ e164: phoneNumbers.deMobile(), bundle_id: deLocalBundle }, 422, 'bundle_id');
    expect(mobile.missing.map((m: { requirement: string }) => m.requirement)).toEqual(['bundle_number_type']);
  });

  it('two accounts racing for one number: exactly one holds it, in every round', async () => {
    const b = await tenant(t);
    for (let round = 0; round < 30; round++) {
      const e164 = phoneNumbers.deMobile();
      const answers = await Promise.all([a, b, a, b].map((who) => who.client.post('/v1/numbers').send({ e164 })));
      expect(answers.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
      expect(await t.prisma.phoneNumber.count({ where: { e164, status: 'active' } })).toBe(1);
    }
  });
});
