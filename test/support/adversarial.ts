import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import type request from 'supertest';
import { listRoutes, type RouteEntry } from '../../src/platform/routes/route-inventory';
import { seedApiKey, seedSessionCookie, seedUser } from './seed';
import { TEST_ADMIN_TOKEN, TEST_ORIGIN, type TestApp, type TestClient } from './test-app';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface MutatingRoute extends RouteEntry {
  /** The path with every `:param` filled in (the refusals under test come before any look-up). */
  url: string;
  /** Declared JSON body properties from the OpenAPI document (empty when the route takes no body). */
  bodyProperties: string[];
  /** False for routes whose documented body is another media type only (a multipart upload). */
  takesJson: boolean;
  /** A body of the declared JSON types ('x', 1, true, [], {}): past the shape check, not necessarily valid. */
  typedBody: Record<string, unknown>;
}

/**
 * Every mutating route of the running app, read from Nest's router, so routes added later are
 * covered without editing the suites; body properties from the app's own OpenAPI document.
 */
export async function mutatingRoutes(t: TestApp): Promise<MutatingRoute[]> {
  const routes = listRoutes(t.app.get(DiscoveryService), t.app.get(MetadataScanner), t.app.get(Reflector), 'v1').filter((r) =>
    MUTATING.has(r.method),
  );
  const openapi = (await t.http().get('/docs/openapi.json').expect(200)).body as OpenApiDocument;
  return routes.map((route) => ({
    ...route,
    url: route.path.replace(/:([A-Za-z_]+)/g, (_, name: string) => (name === 'id' ? 'xyz_0000000000000000000000' : 'x')),
    bodyProperties: bodyPropertiesOf(openapi, route),
    takesJson: takesJson(openapi, route),
    typedBody: typedBodyOf(openapi, route),
  }));
}

interface OpenApiDocument {
  paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: SchemaRef }> } }>>;
  components?: { schemas?: Record<string, { properties?: Record<string, unknown> }> };
}
interface SchemaRef {
  $ref?: string;
  /** OpenAPI 3.1: a nullable field is `["string", "null"]`, or an `anyOf` with `{type: "null"}`. */
  type?: string | string[];
  anyOf?: SchemaRef[];
  properties?: Record<string, unknown>;
}

function operationOf(openapi: OpenApiDocument, route: RouteEntry) {
  return openapi.paths[route.path.replace(/:([A-Za-z_]+)/g, '{$1}')]?.[route.method.toLowerCase()];
}

function takesJson(openapi: OpenApiDocument, route: RouteEntry): boolean {
  const content = operationOf(openapi, route)?.requestBody?.content;
  return !content || 'application/json' in content;
}

function bodyPropertiesOf(openapi: OpenApiDocument, route: RouteEntry): string[] {
  const operation = operationOf(openapi, route);
  const schema = operation?.requestBody?.content?.['application/json']?.schema;
  if (!schema) return [];
  const resolved = schema.$ref ? openapi.components?.schemas?.[schema.$ref.split('/').pop()!] : schema;
  return Object.keys(resolved?.properties ?? {});
}

function typedBodyOf(openapi: OpenApiDocument, route: RouteEntry): Record<string, unknown> {
  const schema = operationOf(openapi, route)?.requestBody?.content?.['application/json']?.schema;
  return schema ? (sampleOf(openapi, schema, 0) as Record<string, unknown>) : {};
}

function sampleOf(openapi: OpenApiDocument, given: SchemaRef & { allOf?: SchemaRef[] }, depth: number): unknown {
  const schema: SchemaRef & { allOf?: SchemaRef[] } = given.anyOf?.find((s) => s.type !== 'null') ?? given;
  const ref = schema.$ref ?? schema.allOf?.find((s) => s.$ref)?.$ref;
  const resolved = (ref ? openapi.components?.schemas?.[ref.split('/').pop()!] : schema) as SchemaRef | undefined;
  const declared = Array.isArray(resolved?.type) ? resolved.type.find((t) => t !== 'null') : resolved?.type;
  const type = declared ?? (resolved?.properties ? 'object' : 'string');
  if (type === 'string') return 'x';
  if (type === 'integer' || type === 'number') return 1;
  if (type === 'boolean') return true;
  if (type === 'array') return [];
  const sample: Record<string, unknown> = {};
  if (depth < 4) {
    for (const [name, property] of Object.entries(resolved?.properties ?? {})) sample[name] = sampleOf(openapi, property as SchemaRef, depth + 1);
  }
  return sample;
}

export interface Callers {
  /** A client carrying the credentials the route takes (none, operator token, session + Origin, or an API key). */
  for(route: RouteEntry, scheme?: 'session' | 'bearer'): TestClient;
  /** The same credentials as request headers, for requests written byte for byte. */
  headers(route: RouteEntry, scheme?: 'session' | 'bearer'): Record<string, string>;
}

/** One owner (all permissions) with a session and an all-scopes key, and the operator token. */
export async function callers(t: TestApp): Promise<Callers> {
  const owner = await seedUser(t, { apiKeysEnabled: true });
  const cookie = await seedSessionCookie(t, owner);
  const key = await seedApiKey(t, owner.accountId, ['*']);
  const session = t.http().set('Cookie', cookie).set('Origin', TEST_ORIGIN);
  const headers = (route: RouteEntry, scheme: 'session' | 'bearer' = 'session'): Record<string, string> => {
    if (route.auth === 'public') return {};
    if (route.auth === 'admin token') return { Authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
    if (scheme === 'bearer' && route.auth.startsWith('session|api_key')) return { Authorization: `Bearer ${key}` };
    return { Cookie: cookie, Origin: TEST_ORIGIN };
  };
  return {
    headers,
    for(route, scheme = 'session') {
      if (route.auth === 'public') return t.http();
      const wanted = headers(route, scheme);
      return wanted.Cookie ? session : withHeaders(t.http(), wanted);
    },
  };
}

function withHeaders(client: TestClient, headers: Record<string, string>): TestClient {
  for (const [name, value] of Object.entries(headers)) client.set(name, value);
  return client;
}

export function send(client: TestClient, route: MutatingRoute): request.Test {
  switch (route.method) {
    case 'POST':
      return client.post(route.url);
    case 'PUT':
      return client.put(route.url);
    case 'PATCH':
      return client.patch(route.url);
    default:
      return client.delete(route.url);
  }
}

/** `[[[...]]]` nested `depth` levels deep under one key. */
export function deepBody(depth: number): string {
  return `{"a":${'['.repeat(depth)}${']'.repeat(depth)}}`;
}

/** `count` distinct unknown keys in one object (90,000 make about 1 MB). */
export function manyKeysBody(count: number): string {
  const parts: string[] = [];
  for (let i = 0; i < count; i++) parts.push(`"u${i}":1`);
  return `{${parts.join(',')}}`;
}
