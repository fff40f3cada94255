import { createHash, timingSafeEqual } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuthErrors } from '../../identity/auth/auth-errors';
import { CommonErrors } from '../../platform/errors/common-errors';
import { sendApiError } from '../../platform/errors/error-response';
import { requestIdOf } from '../../platform/request/request-context';
import { ADMIN_SCHEME, BEARER_SCHEME, SESSION_COOKIE_SCHEME } from '../../platform/auth/route-auth';
import { listRouteDetails } from '../../platform/routes/route-inventory';
import { ownOrigin } from '../../platform/http/own-origin';
import type { AppConfig } from '../../platform/config/config.types';
import { addIdempotencyKeyParameter, IDEMPOTENCY_AND_RATE_LIMIT_DOCS } from '../../pipeline/idempotency/idempotency-openapi';
import { applyConventions, operationIdFor } from './conventions';
import { toOpenApi31WithWebhooks } from './openapi-31';

const DESCRIPTION = `
DIDHub API. All traffic is HTTPS only.

**Authentication.** Two schemes; most endpoints accept either:
- \`didhub_sid\` session cookie (dashboard), issued by \`POST /v1/auth/login\` and \`POST /v1/auth/verify-email\`.
  Cookie-authenticated POST/PUT/PATCH/DELETE must carry an \`Origin\` (or \`Referer\`) of an allowed dashboard origin
  or of this API itself.
- \`Authorization: Bearer didhub_live_…\` API keys.

**Trying it here.** With an API key: *Authorize* → \`bearer\` → paste the key, then *Try it out*. With a session:
run \`POST /v1/auth/login\` on this page; the browser keeps the cookie for this origin and sends it with every later
*Try it out* (the \`didhub_sid\` field in *Authorize* cannot set a cookie and is not needed).

**Errors** always look like \`{"error":{"type","code","message","param"?,"request_id"}}\`; every response carries
\`X-Request-Id\`. Another account's resources answer 404.

**Lists** are \`{"object":"list","data":[…],"has_more","next_cursor"}\` with \`limit\` (1–100, default 20) and the
opaque \`cursor\`. A cursor belongs to the list that issued it; an altered cursor is a 400.
`.trim();

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('DIDHub API')
    .setDescription(`${DESCRIPTION}\n\n${IDEMPOTENCY_AND_RATE_LIMIT_DOCS}`)
    .setVersion('1')
    .setLicense('Proprietary', 'https://didhub.io/terms')
    .addCookieAuth(
      SESSION_COOKIE_SCHEME,
      {
        type: 'apiKey',
        in: 'cookie',
        name: 'didhub_sid',
        description: 'Dashboard session. On this page: sign in with POST /v1/auth/login; the browser then sends the cookie itself.',
      },
      SESSION_COOKIE_SCHEME,
    )
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'didhub_live_…', description: 'API key `didhub_live_…`.' }, BEARER_SCHEME)
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'opaque', description: 'Operator `ADMIN_API_TOKEN`.' }, ADMIN_SCHEME)
    .build();
  const document = SwaggerModule.createDocument(app, config, { operationIdFactory: operationIdFor });
  const routes = listRouteDetails(app.get(DiscoveryService), app.get(MetadataScanner), app.get(Reflector), 'v1');
  return toOpenApi31WithWebhooks(addIdempotencyKeyParameter(applyConventions(document, routes)));
}

/**
 * Where "Try it out" sends requests: PUBLIC_API_URL when set, else the origin this document was
 * requested from — so a local or staging Swagger UI never calls production.
 */
export function serverUrlFor(config: Pick<AppConfig, 'publicApiUrl'>, req: Request): string {
  return ownOrigin(config, req);
}

type Operations = OpenAPIObject['paths'][string];

/**
 * The public document (customer operations) and the operator's (`ADMIN_API_TOKEN` operations):
 * partners never see the operator surface, and its document is served only to the token.
 */
export function splitOperatorDocument(document: OpenAPIObject): { publicDocument: OpenAPIObject; operatorDocument: OpenAPIObject } {
  const isOperator = (op: unknown) => JSON.stringify((op as { security?: unknown }).security ?? []) === JSON.stringify([{ [ADMIN_SCHEME]: [] }]);
  const pick = (operator: boolean): OpenAPIObject['paths'] => {
    const paths: OpenAPIObject['paths'] = {};
    for (const [path, item] of Object.entries(document.paths)) {
      const kept = Object.fromEntries(Object.entries(item).filter(([, op]) => isOperator(op) === operator)) as Operations;
      if (Object.keys(kept).length) paths[path] = kept;
    }
    return paths;
  };
  const { [ADMIN_SCHEME]: adminScheme, ...customerSchemes } = document.components?.securitySchemes ?? {};
  return {
    publicDocument: withUsedComponents({ ...document, paths: pick(false), components: { ...document.components, securitySchemes: customerSchemes } }),
    operatorDocument: withUsedComponents({
      ...document,
      // The events partners receive belong to the public document.
      webhooks: undefined,
      info: { ...document.info, title: 'DIDHub operator API', description: 'The operator surface: every operation takes `Authorization: Bearer $ADMIN_API_TOKEN`.' },
      paths: pick(true),
      components: { ...document.components, securitySchemes: adminScheme ? { [ADMIN_SCHEME]: adminScheme } : {} },
    }),
  };
}

/** Drops the schemas and headers no operation of `document` reaches (each document names only its own). */
function withUsedComponents(document: OpenAPIObject): OpenAPIObject {
  const components = (document.components ?? {}) as Record<string, Record<string, unknown> | undefined>;
  const used = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        const ref = key === '$ref' && typeof value === 'string' ? /^#\/components\/(schemas|headers)\/(.+)$/.exec(value) : null;
        if (ref) {
          if (!used.has(value as string)) {
            used.add(value as string);
            visit(components[ref[1]]?.[ref[2]]);
          }
        } else visit(value);
      }
    }
  };
  visit(document.paths);
  // OpenAPI 3.1's webhooks section (customer events) names its payload schemas too.
  visit((document as { webhooks?: unknown }).webhooks);
  const keep = (kind: 'schemas' | 'headers') =>
    Object.fromEntries(Object.entries(components[kind] ?? {}).filter(([name]) => used.has(`#/components/${kind}/${name}`)));
  return { ...document, components: { ...document.components, schemas: keep('schemas') as never, headers: keep('headers') as never } };
}

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * `/docs` (Swagger UI and the public document) unless DOCS_ENABLED=false; the operator document at
 * `/docs/admin/openapi.json`, behind the admin token (404 when no token is configured).
 */
export function mountOpenApi(app: INestApplication, config: Pick<AppConfig, 'publicApiUrl' | 'docsEnabled' | 'adminApiToken'>): void {
  if (!config.docsEnabled) return;
  const { publicDocument: document, operatorDocument } = splitOperatorDocument(buildOpenApiDocument(app));
  const adminDigest = config.adminApiToken ? digest(config.adminApiToken) : null;
  app.getHttpAdapter().get('/docs/admin/openapi.json', (req: Request, res: Response) => {
    if (!adminDigest) return sendApiError(res, CommonErrors.routeNotFound(), requestIdOf(req));
    const token = /^bearer (\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (!token || !timingSafeEqual(digest(token), adminDigest)) return sendApiError(res, AuthErrors.invalidAdminToken(), requestIdOf(req));
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ ...operatorDocument, servers: [{ url: serverUrlFor(config, req) }] }));
  });
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs/openapi.json',
    yamlDocumentUrl: 'docs/openapi.yaml',
    patchDocumentOnRequest: (req, _res, doc) => ({ ...doc, servers: [{ url: serverUrlFor(config, req as Request) }] }),
  });
}
