import type { OpenAPIObject } from '@nestjs/swagger';
import { webhooksSection } from '../../events/events/event-schemas';

/**
 * The document as OpenAPI 3.1, so it can carry the `webhooks` section (3.1 only): Nest's
 * generator writes 3.0, whose only difference used here is `nullable: true`, which becomes a
 * `null` member of the type (or an `anyOf` with null beside a `$ref`).
 */
export function toOpenApi31WithWebhooks(document: OpenAPIObject): OpenAPIObject {
  const converted = convertNullable(document) as OpenAPIObject;
  converted.openapi = '3.1.0';
  const { webhooks, schemas } = webhooksSection();
  (converted as unknown as { webhooks: Record<string, unknown> }).webhooks = webhooks;
  converted.components = { ...converted.components, schemas: { ...converted.components?.schemas, ...schemas } };
  return converted;
}

function convertNullable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(convertNullable);
  if (value === null || typeof value !== 'object') return value;
  const { nullable, ...rest } = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(rest)) out[key] = convertNullable(inner);
  if (nullable !== true) return out;
  if (typeof out.type === 'string') {
    out.type = [out.type, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...(out.enum as unknown[]), null];
    return out;
  }
  return { anyOf: [out, { type: 'null' }] };
}
