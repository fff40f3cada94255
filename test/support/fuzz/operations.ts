import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { listRoutes, type RouteEntry } from '../../../src/platform/routes/route-inventory';
import { TEST_ADMIN_TOKEN, type TestApp } from '../test-app';

/** The subset of JSON Schema the app's OpenAPI document uses. */
export interface Schema {
  $ref?: string;
  allOf?: Schema[];
  type?: string;
  format?: string;
  enum?: unknown[];
  nullable?: boolean;
  readOnly?: boolean;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  example?: unknown;
  default?: unknown;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema: Schema;
}

/** One operation of the OpenAPI document, with the authentication the router applies to it. */
export interface FuzzOperation {
  /** `POST /v1/numbers` */
  label: string;
  method: string;
  /** The OpenAPI path template, `/v1/numbers/{id}`. */
  template: string;
  route: RouteEntry;
  parameters: Parameter[];
  /** The JSON body schema, resolved; null when the operation takes no JSON body. */
  jsonBody: Schema | null;
  /** The multipart body schema, resolved; null unless the operation reads multipart/form-data. */
  multipartBody: Schema | null;
}

interface OpenApiOperation {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}
export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, Schema> };
}

/** `$ref` and single-`allOf` wrappers resolved, to a depth that covers the document's nesting. */
export function resolve(doc: OpenApiDocument, schema: Schema | undefined, depth = 0): Schema {
  if (!schema || depth > 8) return {};
  const ref = schema.$ref ?? schema.allOf?.find((s) => s.$ref)?.$ref;
  const base = ref ? resolve(doc, doc.components?.schemas?.[ref.split('/').pop()!], depth + 1) : schema;
  const merged: Schema = { ...base, ...(ref ? { nullable: schema.nullable ?? base.nullable } : {}) };
  if (merged.properties) {
    merged.properties = Object.fromEntries(Object.entries(merged.properties).map(([k, v]) => [k, resolve(doc, v, depth + 1)]));
  }
  if (merged.items) merged.items = resolve(doc, merged.items, depth + 1);
  return merged;
}

/**
 * Every operation the running app documents, read from its own /docs/openapi.json, each with
 * the route the router serves for it (so the credentials match what the guard demands).
 * Throws when the document and the router disagree: the fuzzer must cover every route.
 */
export async function fuzzOperations(t: TestApp): Promise<FuzzOperation[]> {
  // The public document and the operator's own (behind the admin token): together every route.
  const docs = [
    (await t.http().get('/docs/openapi.json').expect(200)).body as OpenApiDocument,
    (await t.http().get('/docs/admin/openapi.json').set('Authorization', `Bearer ${TEST_ADMIN_TOKEN}`).expect(200)).body as OpenApiDocument,
  ];
  const routes = listRoutes(t.app.get(DiscoveryService), t.app.get(MetadataScanner), t.app.get(Reflector), 'v1');
  const operations: FuzzOperation[] = [];
  for (const doc of docs) {
    for (const [template, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const expressPath = template.replace(/\{([A-Za-z_]+)\}/g, ':$1');
        const route = routes.find((r) => r.path === expressPath && r.method === method.toUpperCase());
        if (!route) throw new Error(`${method.toUpperCase()} ${template} is documented but not routed`);
        const content = op.requestBody?.content ?? {};
        operations.push({
          label: `${method.toUpperCase()} ${template}`,
          method: method.toUpperCase(),
          template,
          route,
          parameters: (op.parameters ?? []).map((p) => ({ ...p, schema: resolve(doc, p.schema) })),
          jsonBody: content['application/json'] ? resolve(doc, content['application/json'].schema) : null,
          multipartBody: content['multipart/form-data'] ? resolve(doc, content['multipart/form-data'].schema) : null,
        });
      }
    }
  }
  const documented = new Set(operations.map((o) => `${o.method} ${o.route.path}`));
  // security.txt is served outside the API prefix (listRoutes files it under it) and takes no input.
  // /metrics answers Prometheus text to the operator and takes no input.
  const undocumented = routes.filter((r) => !r.path.includes('/.well-known/') && !r.path.endsWith('/metrics') && !documented.has(`${r.method} ${r.path}`));
  if (undocumented.length) throw new Error(`routes missing from the OpenAPI document: ${undocumented.map((r) => `${r.method} ${r.path}`).join(', ')}`);
  return operations;
}
