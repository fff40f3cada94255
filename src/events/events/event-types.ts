/** The API version stamped on every event; a payload's shape changes only with a new version. */
export const EVENTS_API_VERSION = '2026-12-01';

/**
 * Every event type and its payload (`data`). Payloads are thin on purpose: ids, statuses, times
 * and reasons — never names, dates of birth, document numbers, numbers' owners' data or file
 * contents — so a webhook receiver never becomes a second copy of personal data.
 */
export interface EventPayloads {
  'bundle.submitted': { bundle_id: string; end_user_id: string; status: 'pending_review'; submitted_at: string };
  'bundle.approved': { bundle_id: string; status: 'approved'; reviewed_at: string };
  'bundle.rejected': { bundle_id: string; status: 'rejected'; reviewed_at: string; reason: string | null; items: { item: string; reason: string }[] };
  'number.assigned': { number_id: string; country: string; number_type: string; bundle_id: string | null; status: 'active' };
  'number.released': { number_id: string; status: 'released'; released_at: string };
  'end_user.erasure_scheduled': {
    end_user_id: string;
    erase_after: string | null;
    holds: { type: string; number_id: string | null; bundle_id: string | null; until: string | null; reason: string }[];
  };
  'end_user.erased': { end_user_id: string; erased_at: string; documents_deleted: number; bundles_deleted: number };
  'document.deleted': { document_id: string; deleted_at: string };
  'api_key.created': { api_key_id: string; scopes: string[]; expires_at: string | null };
  'api_key.revoked': { api_key_id: string; revoked_at: string };
  'account.closed': { account_id: string; closed_at: string };
  'account.reopened': { account_id: string; reopened_at: string };
  'account.anonymized': { account_id: string; anonymized_at: string };
  'retention.run_completed': { run_id: string; dry_run: boolean; counts: Record<string, number> };
  'webhook_endpoint.disabled': { webhook_endpoint_id: string; reason: 'gone' | 'failing'; disabled_at: string };
}

export type EventType = keyof EventPayloads;

export const EVENT_TYPES = [
  'bundle.submitted',
  'bundle.approved',
  'bundle.rejected',
  'number.assigned',
  'number.released',
  'end_user.erasure_scheduled',
  'end_user.erased',
  'document.deleted',
  'api_key.created',
  'api_key.revoked',
  'account.closed',
  'account.reopened',
  'account.anonymized',
  'retention.run_completed',
  'webhook_endpoint.disabled',
] as const satisfies readonly EventType[];

/** Operator events: recorded, never shown to or delivered for a customer account. */
export const OPERATOR_EVENT_TYPES: readonly EventType[] = ['retention.run_completed'];

export function isEventType(value: string): value is EventType {
  return (EVENT_TYPES as readonly string[]).includes(value);
}

/** What a state change hands to the publisher: the account (null for operator events), the resource and the payload. */
export type NewEvent = {
  [T in EventType]: { type: T; accountId: string | null; resourceId: string; data: EventPayloads[T] };
}[EventType];
