import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { ADMIN_SCHEME, BEARER_SCHEME, SESSION_COOKIE_SCHEME } from './common/auth/route-auth';
import { addIdempotencyKeyParameter, IDEMPOTENCY_AND_RATE_LIMIT_DOCS } from './idempotency/idempotency-openapi';

const DESCRIPTION = `
DIDHub API. All traffic is HTTPS only.

**Authentication.** Two schemes; most endpoints accept either:
- \`didhub_sid\` session cookie (dashboard), issued by \`POST /v1/auth/login\` and \`POST /v1/auth/verify-email\`.
  Cookie-authenticated POST/PUT/PATCH/DELETE must carry an \`Origin\` (or \`Referer\`) of an allowed dashboard origin.
- \`Authorization: Bearer didhub_live_…\` API keys.

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
    .addServer('https://api.didhub.io')
    .addCookieAuth(SESSION_COOKIE_SCHEME, { type: 'apiKey', in: 'cookie', name: 'didhub_sid' }, SESSION_COOKIE_SCHEME)
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'API key didhub_live_…' }, BEARER_SCHEME)
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'Operator ADMIN_API_TOKEN' }, ADMIN_SCHEME)
    .build();
  return addIdempotencyKeyParameter(SwaggerModule.createDocument(app, config));
}

export function mountOpenApi(app: INestApplication): void {
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs/openapi.json',
    yamlDocumentUrl: 'docs/openapi.yaml',
  });
}
