/**
 * The retention periods of the security page, in one place. Durations in days unless named
 * otherwise. The README's retention table is this file in prose; change both together.
 */
export const RETENTION_DEFAULTS = {
  /** Login history (every sign-in attempt). */
  loginHistoryDays: 90,
  /** Closed accounts are anonymised this long after closure; the operator may reopen before. */
  closureGraceDays: 30,
  /** Idempotency records are deleted once expired (24 h after the request) plus this grace. */
  idempotencyGraceHours: 1,
  /** Revoked or expired sessions, used or expired e-mail tokens and MFA challenges: kept this long after they died. */
  deadCredentialGraceDays: 7,
  /** Wrong-password counters: deleted this long after their window started, unless they lock. */
  loginThrottleGraceHours: 24,
  /** Document uploads never finished (the instance died): deleted after this long. */
  staleUploadHours: 24,
  /** Mail written as `.eml` files by the file transport (development, or MAIL_TRANSPORT=file). */
  mailFileDays: 7,
} as const;

/** Mask written over CDR caller/callee numbers of anonymised accounts: fixed, so nothing can be recovered. */
export const CDR_NUMBER_MASK = 'anonymized';
/** Prefix of the replaced `external_id` of an anonymised CDR (the switch's call id can embed numbers). */
export const CDR_EXTERNAL_ID_MASK_PREFIX = 'anonymized:';
/** Name given to an anonymised account (the old one could name a person). */
export const ANONYMIZED_ACCOUNT_NAME = 'Anonymized account';

export const DAY_MS = 24 * 60 * 60 * 1000;

export function daysBefore(now: Date, days: number): Date {
  return new Date(now.getTime() - days * DAY_MS);
}

export function daysAfter(at: Date, days: number): Date {
  return new Date(at.getTime() + days * DAY_MS);
}
