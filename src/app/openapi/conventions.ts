import type { OpenAPIObject, OperationObject, ResponseObject, SchemaObject } from '@nestjs/swagger';
import type { RouteDetail } from '../../platform/routes/route-inventory';
import type { RouteAuth } from '../../platform/auth/route-auth';
import { ADMIN_SCHEME, BEARER_SCHEME, SESSION_COOKIE_SCHEME } from '../../platform/auth/route-auth';
import { NO_RATE_LIMIT } from '../../platform/auth/rate-limit.decorators';

/*
 * OpenAPI conventions, applied to the whole document so a new route follows them without
 * anyone remembering (test/platform/openapi.e2e-spec.ts enforces the result):
 *
 * - Operation ids are resource-style camelCase, derived from the handler and controller names:
 *   the handler's first word is the verb, then the controller's resource (singular, or plural
 *   for a bare `list`/`export`), then the handler's other words. `CdrsController.list` →
 *   `listCdrs`, `ApiKeysController.create` → `createApiKey`, `AccountsController.listMembers` →
 *   `listAccountMembers`. `@ApiOperation({ operationId })` overrides it when the rule reads badly.
 * - Security requirements and the error responses that authentication, validation, rate limiting
 *   and idempotency can give come from the route's RouteAuth (the metadata the global guard
 *   enforces), never from hand-written decorators, so documentation and behaviour cannot drift.
 * - Every 4xx/5xx response has the `Error` schema; schema names drop `Dto`/`Response` suffixes
 *   (request bodies end in `Request`).
 */

const PLURAL_VERBS = new Set(['list', 'export']);

function words(camel: string): string[] {
  return camel.split(/(?=[A-Z])/).filter(Boolean);
}

const capitalise = (w: string) => w.charAt(0).toUpperCase() + w.slice(1);

/** English singular of a PascalCase resource's last word: Cdrs → Cdr, Identities → Identity, Addresses → Address. */
export function singular(resource: string): string {
  const parts = words(resource);
  const last = parts.pop() ?? '';
  let one = last;
  if (/ies$/.test(last)) one = last.slice(0, -3) + 'y';
  else if (/(ss|sh|ch|x)es$/.test(last)) one = last.slice(0, -2);
  else if (/[^su]s$/.test(last) && !/(is|us)$/.test(last)) one = last.slice(0, -1);
  return [...parts, one].join('');
}

/** The rule for an operation id (see the comment at the top of this file). */
export function operationIdFor(controllerKey: string, methodKey: string): string {
  const resource = controllerKey.replace(/Controller$/, '');
  const [verb, ...rest] = words(methodKey.replace(/\[\d+\]$/, ''));
  const noun = PLURAL_VERBS.has(verb) && rest.length === 0 ? resource : singular(resource);
  return verb + noun + rest.map(capitalise).join('');
}

/** A resource-style id: a lower-case verb followed by at least one capitalised word, letters and digits only. */
export const OPERATION_ID_PATTERN = /^[a-z]+(?:[A-Z][a-z0-9]*)+$/;

/** `SignupDto` → `SignupRequest`, `CdrResponseDto` → `Cdr`, `AuthUserResponse` → `AuthUser`. */
export function schemaNameFor(name: string): string {
  if (/ResponseDto$/.test(name)) return name.replace(/ResponseDto$/, '');
  if (/Response$/.test(name)) return name.replace(/Response$/, '');
  if (/Dto$/.test(name)) return name.replace(/Dto$/, 'Request');
  return name;
}

export const ERROR_SCHEMA: SchemaObject = {
  type: 'object',
  description: 'Every error. `code` is stable and machine-readable; `message` is for people; `param` names the offending field.',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['type', 'code', 'message', 'request_id'],
      properties: {
        type: {
          type: 'string',
          enum: ['invalid_request_error', 'authentication_error', 'permission_error', 'rate_limit_error', 'idempotency_error', 'api_error'],
        },
        code: { type: 'string', example: 'parameter_invalid' },
        message: { type: 'string', example: 'limit must not be greater than 100.' },
        param: { type: 'string', example: 'limit' },
        request_id: { type: 'string', example: 'req_2x4Qb7Vd9kT3mN8pL1sR6w' },
      },
    },
  },
};

const HEADERS = {
  'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer', minimum: 0 } },
  RateLimit: { description: 'Remaining requests and seconds until the window resets, e.g. `"write";r=0;t=12`.', schema: { type: 'string' } },
  'RateLimit-Policy': { description: 'The budget that applied, e.g. `"write";q=120;w=60`.', schema: { type: 'string' } },
};

const MUTATIONS = new Set(['post', 'put', 'patch', 'delete']);

const EXAMPLE_REQUEST_ID = 'req_2x4Qb7Vd9kT3mN8pL1sR6w';
const errorExample = (type: string, code: string, message: string, param?: string) => ({
  error: { type, code, message, ...(param ? { param } : {}), request_id: EXAMPLE_REQUEST_ID },
});

/** One example per status, so Swagger UI does not show the same 400 under every error. */
const ERROR_EXAMPLES: Record<string, object> = {
  '400': errorExample('invalid_request_error', 'parameter_invalid', 'limit must be an integer', 'limit'),
  '401': errorExample('authentication_error', 'authentication_required', 'Authentication required: a didhub_sid session cookie or a Bearer API key.'),
  '403': errorExample('permission_error', 'insufficient_permissions', 'This API key lacks the cdrs:read scope.'),
  '404': errorExample('invalid_request_error', 'resource_missing', 'No such resource.'),
  '409': errorExample('idempotency_error', 'idempotency_request_in_progress', 'A request with this Idempotency-Key is still running; retry after the indicated delay.'),
  '413': errorExample('invalid_request_error', 'file_too_large', 'The file exceeds the limit of 10485760 bytes.'),
  '415': errorExample('invalid_request_error', 'file_type_unsupported', 'Only PDF, JPEG and PNG files are accepted.'),
  '422': errorExample('idempotency_error', 'idempotency_key_reused', 'This Idempotency-Key was used with a different request.'),
  '429': errorExample('rate_limit_error', 'rate_limited', 'Rate limit exceeded; retry after the indicated delay.'),
  '500': errorExample('api_error', 'internal_error', 'An internal error occurred. Quote the request id when contacting support.'),
  '503': errorExample('api_error', 'service_unavailable', 'The service is temporarily unavailable. Retry after the indicated delay.'),
};

const DEFAULT_DESCRIPTIONS: Record<string, string> = {
  '400': 'invalid_request_error: a parameter or body field is invalid (`param` names it).',
  '401': 'authentication_error: missing, invalid or expired credentials.',
  '403': 'permission_error: authenticated but not allowed.',
  '404': 'resource_missing: no such resource in this account (another account’s resources answer 404 too).',
  '409': 'idempotency_request_in_progress: the first request with this Idempotency-Key is still running (see Retry-After).',
  '422': 'idempotency_key_reused: this Idempotency-Key was used for a different request.',
  '429': 'rate_limit_error: over the budget (see Retry-After and RateLimit).',
};

function forbiddenFor(auth: Extract<RouteAuth, { kind: 'customer' }>, method: string): string {
  const reasons = [];
  if (auth.sessionOnly) reasons.push('`session_required` for an API key (dashboard sessions only)');
  if (auth.recentAuth) reasons.push('`reauthentication_required` when the last sign-in or step-up is older than 10 minutes');
  if (auth.scope) reasons.push(`\`insufficient_permissions\` without the \`${auth.scope}\` scope or permission`);
  if (MUTATIONS.has(method)) reasons.push('`csrf_origin_mismatch` for a cookie request from a foreign origin');
  return reasons.length ? `permission_error: ${reasons.join('; ')}.` : DEFAULT_DESCRIPTIONS['403'];
}

function securityFor(auth: RouteAuth): Record<string, string[]>[] {
  switch (auth.kind) {
    case 'public':
      return [];
    case 'admin':
      return [{ [ADMIN_SCHEME]: [] }];
    case 'customer':
      return auth.sessionOnly ? [{ [SESSION_COOKIE_SCHEME]: [] }] : [{ [BEARER_SCHEME]: [] }, { [SESSION_COOKIE_SCHEME]: [] }];
  }
}

/** The error responses a route can give because of how it is authenticated, validated, limited and made idempotent. */
function derivedResponses(route: RouteDetail, method: string, operation: OperationObject): Record<string, string> {
  const out: Record<string, string> = {};
  const hasInput = Boolean(operation.requestBody) || (operation.parameters ?? []).length > 0;
  const hasPathParam = (operation.parameters ?? []).some((p: object) => 'in' in p && p.in === 'path');
  const rateLimited = !Reflect.getMetadata(NO_RATE_LIMIT, route.handler) && !Reflect.getMetadata(NO_RATE_LIMIT, route.controller);
  if (hasInput) out['400'] = DEFAULT_DESCRIPTIONS['400'];
  if (route.auth.kind === 'admin') {
    out['401'] = 'authentication_error: `invalid_admin_token`.';
    out['404'] = 'resource_missing: also the answer for every operator route while ADMIN_API_TOKEN is unset.';
    return out;
  }
  if (route.auth.kind === 'customer') {
    out['401'] = DEFAULT_DESCRIPTIONS['401'];
    out['403'] = forbiddenFor(route.auth, method);
    if (MUTATIONS.has(method)) {
      out['400'] = DEFAULT_DESCRIPTIONS['400'];
      out['409'] = DEFAULT_DESCRIPTIONS['409'];
      out['422'] = DEFAULT_DESCRIPTIONS['422'];
    }
  }
  if (hasPathParam) out['404'] = DEFAULT_DESCRIPTIONS['404'];
  if (rateLimited) out['429'] = DEFAULT_DESCRIPTIONS['429'];
  return out;
}

const toOpenApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

function renameSchemas(document: OpenAPIObject): void {
  const schemas = document.components?.schemas ?? {};
  const renames = new Map<string, string>();
  const taken = new Set<string>();
  for (const name of Object.keys(schemas)) {
    const next = schemaNameFor(name);
    if (taken.has(next)) throw new Error(`OpenAPI schema name ${next} (from ${name}) is used twice; rename one of the classes`);
    taken.add(next);
    if (next !== name) renames.set(name, next);
  }
  if (!renames.size) return;
  document.components!.schemas = Object.fromEntries(Object.entries(schemas).map(([name, schema]) => [renames.get(name) ?? name, schema]));
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (typeof record.$ref === 'string') {
        const match = /^#\/components\/schemas\/(.+)$/.exec(record.$ref);
        if (match && renames.has(match[1])) record.$ref = `#/components/schemas/${renames.get(match[1])}`;
      }
      Object.values(record).forEach(visit);
    }
  };
  visit(document.paths);
  visit(document.components!.schemas);
}

/** Applies the conventions above to a freshly generated document (in place) and returns it. */
export function applyConventions(document: OpenAPIObject, routes: RouteDetail[]): OpenAPIObject {
  const byKey = new Map(routes.map((r) => [`${r.method.toLowerCase()} ${toOpenApiPath(r.path)}`, r]));
  document.components ??= {};
  document.components.schemas = { ...(document.components.schemas ?? {}), Error: ERROR_SCHEMA };
  document.components.headers = { ...(document.components.headers ?? {}), ...HEADERS };
  const errorContent = { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } };

  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item) as [string, OperationObject][]) {
      if (!operation || typeof operation !== 'object' || !('responses' in operation)) continue;
      const route = byKey.get(`${method} ${path}`);
      if (!route) throw new Error(`OpenAPI operation ${method.toUpperCase()} ${path} has no route in the inventory`);
      operation.security = securityFor(route.auth);
      // OpenAPI 3.0 allows scope lists only for OAuth2 schemes, so a route's scope is an extension.
      if (route.auth.kind === 'customer' && route.auth.scope) (operation as unknown as Record<string, unknown>)['x-required-scopes'] = [route.auth.scope];
      const responses = operation.responses as Record<string, ResponseObject>;
      for (const [status, description] of Object.entries(derivedResponses(route, method, operation))) {
        responses[status] ??= { description };
      }
      for (const [status, response] of Object.entries(responses)) {
        if (!/^[45]/.test(status) || '$ref' in response) continue;
        response.content ??= ERROR_EXAMPLES[status] ? { 'application/json': { ...errorContent['application/json'], example: ERROR_EXAMPLES[status] } } : errorContent;
        if (status === '429') {
          response.headers = {
            'Retry-After': { $ref: '#/components/headers/Retry-After' },
            RateLimit: { $ref: '#/components/headers/RateLimit' },
            'RateLimit-Policy': { $ref: '#/components/headers/RateLimit-Policy' },
            ...(response.headers ?? {}),
          };
        }
      }
    }
  }
  renameSchemas(document);
  return document;
}
