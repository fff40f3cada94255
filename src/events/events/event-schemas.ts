import { EVENTS_API_VERSION, type EventType, OPERATOR_EVENT_TYPES } from './event-types';

type Schema = Record<string, unknown>;

const id = (prefix: string): Schema => ({ type: 'string', pattern: `^${prefix}_[0-9A-Za-z]{22}$` });
const time: Schema = { type: 'string', format: 'date-time' };
const nullable = (schema: Schema): Schema => ({ ...schema, type: [schema.type as string, 'null'] });
const object = (properties: Record<string, Schema>): Schema => ({
  type: 'object',
  additionalProperties: false,
  required: Object.keys(properties),
  properties,
});

/** The `data` of each event type as JSON Schema (OpenAPI 3.1), kept beside EventPayloads so both change together. */
export const EVENT_DATA_SCHEMAS: Record<EventType, Schema> = {
  'bundle.submitted': object({ bundle_id: id('bun'), end_user_id: id('eu'), status: { const: 'pending_review' }, submitted_at: time }),
  'bundle.approved': object({ bundle_id: id('bun'), status: { const: 'approved' }, reviewed_at: time }),
  'bundle.rejected': object({
    bundle_id: id('bun'),
    status: { const: 'rejected' },
    reviewed_at: time,
    reason: nullable({ type: 'string' }),
    items: { type: 'array', items: object({ item: { type: 'string' }, reason: { type: 'string' } }) },
  }),
  'number.assigned': object({
    number_id: id('num'),
    country: { type: 'string', pattern: '^[A-Z]{2}$' },
    number_type: { type: 'string' },
    bundle_id: nullable(id('bun')),
    status: { const: 'active' },
  }),
  'number.released': object({ number_id: id('num'), status: { const: 'released' }, released_at: time }),
  'end_user.erasure_scheduled': object({
    end_user_id: id('eu'),
    erase_after: nullable(time),
    holds: {
      type: 'array',
      items: object({
        type: { type: 'string', enum: ['active_number', 'regulator', 'legal_hold'] },
        number_id: nullable(id('num')),
        bundle_id: nullable(id('bun')),
        until: nullable(time),
        reason: { type: 'string' },
      }),
    },
  }),
  'end_user.erased': object({ end_user_id: id('eu'), erased_at: time, documents_deleted: { type: 'integer' }, bundles_deleted: { type: 'integer' } }),
  'document.deleted': object({ document_id: id('doc'), deleted_at: time }),
  'api_key.created': object({ api_key_id: id('key'), scopes: { type: 'array', items: { type: 'string' } }, expires_at: nullable(time) }),
  'api_key.revoked': object({ api_key_id: id('key'), revoked_at: time }),
  'account.closed': object({ account_id: id('acct'), closed_at: time }),
  'account.reopened': object({ account_id: id('acct'), reopened_at: time }),
  'account.anonymized': object({ account_id: id('acct'), anonymized_at: time }),
  'retention.run_completed': object({ run_id: id('rrun'), dry_run: { type: 'boolean' }, counts: { type: 'object', additionalProperties: { type: 'integer' } } }),
  'webhook_endpoint.disabled': object({ webhook_endpoint_id: id('we'), reason: { type: 'string', enum: ['gone', 'failing'] }, disabled_at: time }),
};

const schemaName = (type: string) =>
  type
    .split(/[._]/)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('') + 'Event';

/**
 * The OpenAPI 3.1 `webhooks` section and its component schemas: one POST per event type with the
 * exact body a receiver gets, so generated clients have a type per event.
 */
export function webhooksSection(): { webhooks: Record<string, unknown>; schemas: Record<string, Schema> } {
  const webhooks: Record<string, unknown> = {};
  const schemas: Record<string, Schema> = {};
  for (const [type, data] of Object.entries(EVENT_DATA_SCHEMAS) as [EventType, Schema][]) {
    if (OPERATOR_EVENT_TYPES.includes(type)) continue;
    const name = schemaName(type);
    schemas[name] = object({
      object: { const: 'event' },
      id: id('evt'),
      type: { const: type },
      api_version: { type: 'string', examples: [EVENTS_API_VERSION] },
      created_at: time,
      resource_id: { type: 'string' },
      sequence: { type: 'integer', minimum: 1, description: 'Per resource: order a resource’s events by it.' },
      data,
    });
    webhooks[type] = {
      post: {
        operationId: `webhook_${type.replace(/\./g, '_')}`,
        summary: `${type} event`,
        description:
          'Sent to each enabled endpoint subscribed to this type, signed per the Standard Webhooks specification: ' +
          '`webhook-id` (the event id, the same on every retry), `webhook-timestamp`, `webhook-signature` (`v1,` + base64 HMAC-SHA256 of ' +
          '`id.timestamp.body`; two space-separated signatures during a secret rotation). Verify the raw body before parsing it.',
        tags: ['webhooks'],
        security: [],
        parameters: [
          { name: 'webhook-id', in: 'header', required: true, schema: id('evt') },
          { name: 'webhook-timestamp', in: 'header', required: true, schema: { type: 'string', pattern: '^[0-9]+$' } },
          { name: 'webhook-signature', in: 'header', required: true, schema: { type: 'string' } },
        ],
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: `#/components/schemas/${name}` } } } },
        responses: {
          '200': { description: 'Any 2xx acknowledges the event. 410 disables the endpoint; anything else is retried (Retry-After honoured).' },
        },
      },
    };
  }
  return { webhooks, schemas };
}
