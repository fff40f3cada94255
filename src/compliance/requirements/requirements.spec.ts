import { bundleRequired, type DocumentFacts, type EndUserFacts, evaluateBundle, REQUIREMENTS_VERSION, requirementSetFor } from './requirements';

const INDIVIDUAL_FIELDS = ['first_name', 'last_name', 'date_of_birth', 'document_type', 'document_number'];
const person = (overrides: Partial<EndUserFacts> = {}): EndUserFacts => ({
  id: 'eu_me',
  type: 'individual',
  presentFields: new Set(INDIVIDUAL_FIELDS),
  addressCountry: 'DE',
  ...overrides,
});
const doc = (id: string, type: DocumentFacts['type'], endUserId: string | null = 'eu_me', subjectErased = false): DocumentFacts => ({
  id,
  type,
  endUserId,
  subjectErased,
});
const failed = (e: ReturnType<typeof evaluateBundle>) => e.results.filter((r) => !r.passed).map((r) => r.requirement);

describe('requirements table (what a regulator needs before a number is assigned)', () => {
  it('knows which country and number type need a bundle, per end-user type', () => {
    expect(bundleRequired('DE', 'local')).toBe(true);
    expect(bundleRequired('FR', 'national')).toBe(true);
    expect(bundleRequired('DE', 'mobile')).toBe(false);
    expect(bundleRequired('US', 'local')).toBe(false);
    expect(requirementSetFor('GB', 'local', 'individual')?.requirements.map((r) => r.id)).toContain('proof_of_address');
    expect(requirementSetFor('DE', 'local', 'robot')).toBeNull();
  });

  it('a complete DE individual with a passport of their own is compliant, against the current version', () => {
    const e = evaluateBundle({ country: 'DE', number_type: 'local' }, person(), [doc('doc_1', 'passport')]);
    expect(e).toMatchObject({ result: 'compliant', requirements_version: REQUIREMENTS_VERSION });
  });

  it('names each missing field, a foreign address and a missing document', () => {
    const e = evaluateBundle(
      { country: 'DE', number_type: 'local' },
      person({ presentFields: new Set(['first_name', 'last_name']), addressCountry: 'FR' }),
      [doc('doc_1', 'utility_bill')],
    );
    expect(e.result).toBe('noncompliant');
    const invalid = e.results.flatMap((r) => r.invalid.map((i) => i.field));
    expect(invalid).toEqual(
      expect.arrayContaining(['end_user.date_of_birth', 'end_user.document_type', 'end_user.document_number', 'end_user.address.country', 'document_ids']),
    );
  });

  it("never lets another person's document, or one whose subject was erased, satisfy a requirement", () => {
    const foreign = evaluateBundle({ country: 'DE', number_type: 'local' }, person(), [doc('doc_x', 'passport', 'eu_someone_else')]);
    expect(failed(foreign)).toEqual(['documents_belong_to_end_user', 'identity_document']);
    const erased = evaluateBundle({ country: 'DE', number_type: 'local' }, person(), [doc('doc_x', 'passport', null, true)]);
    expect(failed(erased)).toEqual(['documents_subject_present', 'identity_document']);
    expect(erased.results[0].invalid).toEqual([{ field: 'document_ids.doc_x', reason: 'its end-user was erased' }]);
    // An unattributed document that nobody erased still counts (uploaded without end_user_id).
    expect(evaluateBundle({ country: 'DE', number_type: 'local' }, person(), [doc('doc_u', 'id_card', null)]).result).toBe('compliant');
  });

  it('a combination without requirements is compliant with nothing to check', () => {
    const e = evaluateBundle({ country: 'US', number_type: 'local' }, person({ presentFields: new Set() }), []);
    expect(e).toMatchObject({ result: 'compliant', results: [] });
  });
});
