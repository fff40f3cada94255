import { parsePhoneNumberFromString, type NumberType as PhoneNumberKind } from 'libphonenumber-js/max';
import type { NumberType } from '../../compliance/requirements/requirements';

/**
 * What libphonenumber's numbering plans say a number is, in our terms. The country and the type
 * that decide the KYC rules come from here, never from what the client declares.
 *
 * - FIXED_LINE → `local` (a geographic number).
 * - FIXED_LINE_OR_MOBILE → `local`: the plan cannot tell them apart (all of NANP: +1), numbers
 *   there are sold as local, and `local` is the type with the stricter rules wherever both exist.
 * - MOBILE → `mobile`, TOLL_FREE → `toll_free`.
 * - VOIP, UAN → `national` (non-geographic numbers reachable nationwide, e.g. FR 09, GB 03).
 * - Anything else (premium rate, shared cost, personal, pager, voicemail, unknown) is not sold.
 */
const TYPE_OF: Partial<Record<NonNullable<PhoneNumberKind>, NumberType>> = {
  FIXED_LINE: 'local',
  FIXED_LINE_OR_MOBILE: 'local',
  MOBILE: 'mobile',
  TOLL_FREE: 'toll_free',
  VOIP: 'national',
  UAN: 'national',
};

export interface PhoneNumberFacts {
  e164: string;
  country: string;
  numberType: NumberType;
}

export type PhoneNumberProblem =
  /** Not a number any numbering plan assigns (too short, unused range, wrong length). */
  | { problem: 'invalid' }
  /** Not in canonical E.164 form (e.g. a national trunk 0 after the country code). */
  | { problem: 'not_canonical'; canonical: string }
  /** A valid number of a kind we do not sell (premium rate, shared cost, global services, …). */
  | { problem: 'unsupported_type'; kind: string };

/** Pure: the country and number type of an E.164 string, or why it has none we can sell. */
export function phoneNumberFacts(e164: string): PhoneNumberFacts | PhoneNumberProblem {
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed || !parsed.isValid()) return { problem: 'invalid' };
  if (parsed.number !== e164) return { problem: 'not_canonical', canonical: parsed.number };
  const kind = parsed.getType();
  const numberType = kind ? TYPE_OF[kind] : undefined;
  // A number with no country (+800, +882 …) belongs to no regulator's table.
  if (!numberType || !parsed.country) return { problem: 'unsupported_type', kind: parsed.country ? (kind ?? 'UNKNOWN') : 'GLOBAL_SERVICE' };
  return { e164: parsed.number, country: parsed.country, numberType };
}
