/**
 * What a regulator requires before a number is assigned, per (country, number type, end-user
 * type). A table in code, versioned: every bundle stores the version it was evaluated against,
 * so a later change of the table never silently re-judges an approved bundle.
 */
export const REQUIREMENTS_VERSION = '2026-11-01';

export const END_USER_TYPES = ['individual', 'business'] as const;
export type EndUserType = (typeof END_USER_TYPES)[number];

export const NUMBER_TYPES = ['local', 'national', 'mobile', 'toll_free'] as const;
export type NumberType = (typeof NUMBER_TYPES)[number];

export const DOCUMENT_TYPES = ['passport', 'id_card', 'utility_bill', 'business_registration', 'other'] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

/** Machine-checkable criteria; `evaluateBundle` is their only interpreter. */
export type Requirement =
  | { id: string; name: string; kind: 'end_user_fields'; fields: string[] }
  | { id: string; name: string; kind: 'address_in_country'; country: string }
  | { id: string; name: string; kind: 'document'; document_types: DocumentType[] };

export interface RequirementSet {
  country: string;
  number_type: NumberType;
  end_user_type: EndUserType;
  requirements: Requirement[];
}

const INDIVIDUAL_FIELDS = ['first_name', 'last_name', 'date_of_birth', 'document_type', 'document_number'];
const BUSINESS_FIELDS = ['business_name', 'registration_number'];

function individual(country: string, numberType: NumberType, extra: Requirement[] = []): RequirementSet {
  return {
    country,
    number_type: numberType,
    end_user_type: 'individual',
    requirements: [
      { id: 'end_user_identity', name: 'Name, date of birth and identity document of the end-user', kind: 'end_user_fields', fields: INDIVIDUAL_FIELDS },
      { id: 'address_in_country', name: `Address in ${country}`, kind: 'address_in_country', country },
      { id: 'identity_document', name: 'Passport or national identity card', kind: 'document', document_types: ['passport', 'id_card'] },
      ...extra,
    ],
  };
}

function business(country: string, numberType: NumberType, extra: Requirement[] = []): RequirementSet {
  return {
    country,
    number_type: numberType,
    end_user_type: 'business',
    requirements: [
      { id: 'business_identity', name: 'Business name and registration number', kind: 'end_user_fields', fields: BUSINESS_FIELDS },
      { id: 'address_in_country', name: `Business address in ${country}`, kind: 'address_in_country', country },
      { id: 'business_registration', name: 'Business registration extract', kind: 'document', document_types: ['business_registration'] },
      ...extra,
    ],
  };
}

const PROOF_OF_ADDRESS: Requirement = {
  id: 'proof_of_address',
  name: 'Proof of address (utility bill)',
  kind: 'document',
  document_types: ['utility_bill'],
};

export const REQUIREMENT_SETS: readonly RequirementSet[] = [
  individual('DE', 'local'),
  business('DE', 'local'),
  individual('GB', 'local', [PROOF_OF_ADDRESS]),
  business('GB', 'local'),
  individual('FR', 'national'),
  business('FR', 'national'),
];

/** The set for this combination, or null when no bundle is needed. */
export function requirementSetFor(country: string, numberType: string, endUserType: string): RequirementSet | null {
  return (
    REQUIREMENT_SETS.find((s) => s.country === country && s.number_type === numberType && s.end_user_type === endUserType) ?? null
  );
}

/** True when any end-user type needs a bundle for this country and number type. */
export function bundleRequired(country: string, numberType: string): boolean {
  return REQUIREMENT_SETS.some((s) => s.country === country && s.number_type === numberType);
}

/** What evaluation needs to know about an end-user: which fields hold a value, never the values. */
export interface EndUserFacts {
  id: string;
  type: EndUserType;
  presentFields: Set<string>;
  addressCountry: string;
}

export interface DocumentFacts {
  id: string;
  type: DocumentType;
  endUserId: string | null;
  /** Kept after its end-user's erasure for the bundles that used it: it proves nobody's identity any more. */
  subjectErased?: boolean;
}

export interface RequirementResult {
  requirement: string;
  passed: boolean;
  failure_reason: string | null;
  invalid: { field: string; reason: string }[];
}

export interface Evaluation {
  result: 'compliant' | 'noncompliant';
  requirements_version: string;
  results: RequirementResult[];
}

/** Pure: judges an end-user and documents against the table; changes nothing. */
export function evaluateBundle(
  target: { country: string; number_type: string },
  endUser: EndUserFacts,
  documents: DocumentFacts[],
): Evaluation {
  const set = requirementSetFor(target.country, target.number_type, endUser.type);
  const results: RequirementResult[] = [];
  // A document of another end-user cannot back this one (it would prove someone else's identity).
  const foreign = documents.filter((d) => d.endUserId !== null && d.endUserId !== endUser.id);
  if (foreign.length > 0) {
    results.push({
      requirement: 'documents_belong_to_end_user',
      passed: false,
      failure_reason: 'Some documents belong to another end-user.',
      invalid: foreign.map((d) => ({ field: `document_ids.${d.id}`, reason: 'belongs to another end-user' })),
    });
  }
  const erased = documents.filter((d) => d.subjectErased && !foreign.includes(d));
  if (erased.length > 0) {
    results.push({
      requirement: 'documents_subject_present',
      passed: false,
      failure_reason: 'Some documents belong to an end-user who was erased.',
      invalid: erased.map((d) => ({ field: `document_ids.${d.id}`, reason: 'its end-user was erased' })),
    });
  }
  const usable = documents.filter((d) => !foreign.includes(d) && !erased.includes(d));
  for (const req of set?.requirements ?? []) results.push(check(req, endUser, usable));
  return {
    result: results.every((r) => r.passed) ? 'compliant' : 'noncompliant',
    requirements_version: REQUIREMENTS_VERSION,
    results,
  };
}

function check(req: Requirement, endUser: EndUserFacts, documents: DocumentFacts[]): RequirementResult {
  switch (req.kind) {
    case 'end_user_fields': {
      const missing = req.fields.filter((f) => !endUser.presentFields.has(f));
      return result(req.id, missing.map((field) => ({ field: `end_user.${field}`, reason: 'required' })), `Missing end-user fields: ${missing.join(', ')}.`);
    }
    case 'address_in_country': {
      const ok = endUser.addressCountry === req.country;
      return result(req.id, ok ? [] : [{ field: 'end_user.address.country', reason: `must be ${req.country}` }], `The address must be in ${req.country}.`);
    }
    case 'document': {
      const ok = documents.some((d) => req.document_types.includes(d.type));
      return result(
        req.id,
        ok ? [] : [{ field: 'document_ids', reason: `needs a document of type ${req.document_types.join(' or ')}` }],
        `A document of type ${req.document_types.join(' or ')} is required.`,
      );
    }
  }
}

function result(requirement: string, invalid: { field: string; reason: string }[], reason: string): RequirementResult {
  return { requirement, passed: invalid.length === 0, failure_reason: invalid.length === 0 ? null : reason, invalid };
}
