import type { OpenAPIObject } from '@nestjs/swagger';
import { BEARER_SCHEME, SESSION_COOKIE_SCHEME } from '../../platform/auth/route-auth';
import { IDEMPOTENCY_HEADER } from './request-fingerprint';

export const IDEMPOTENCY_AND_RATE_LIMIT_DOCS = `
**Idempotency.** Authenticated POST, PATCH and DELETE accept an optional \`Idempotency-Key\` header (1–255 visible
ASCII characters; generate a UUIDv4 per logical operation and reuse it when retrying). Keys are scoped to the account and
kept 24 hours. The same key with the same method, path and body (JSON compared with sorted keys) returns the original
status and body again, byte for byte, with \`Idempotent-Replayed: true\`, without running the action again; a different request under
the same key answers 422 \`idempotency_key_reused\`; while the first request is still running, 409
\`idempotency_request_in_progress\` with \`Retry-After\`. 2xx and 4xx results are kept; a 5xx is not (retry with the same
key). \`Set-Cookie\` is never replayed, and one-time secrets (a new API key, recovery codes, an MFA secret) are never
stored, so a replay returns the original body without them. Public endpoints (sign-up, sign-in, verification, password
reset, MFA verify) and the operator API ignore the header: there is no account to scope the key to.

**Rate limits.** Per account, one budget for reads (GET/HEAD) and one for mutations, shared by all sessions and API keys
of the account; unauthenticated traffic per client IP, with a tighter budget (policy \`auth\`) on sign-up, sign-in,
verification, password and MFA endpoints. Responses carry \`RateLimit-Policy: "write";q=120;w=60\` and
\`RateLimit: "write";r=37;t=12\` (remaining requests, seconds until the window resets). Over budget: 429 \`rate_limited\`
with \`Retry-After\` in seconds. A replayed idempotent request costs nothing. Health checks are not limited.
`.trim();

const MUTATIONS = ['post', 'patch', 'delete'] as const;
const CUSTOMER_SCHEMES = new Set([SESSION_COOKIE_SCHEME, BEARER_SCHEME]);

/** Declares the Idempotency-Key header on every mutation a customer principal can call. */
export function addIdempotencyKeyParameter(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths)) {
    for (const method of MUTATIONS) {
      const operation = item[method];
      if (!operation) continue;
      const customer = (operation.security ?? []).some((req) => Object.keys(req).some((name) => CUSTOMER_SCHEMES.has(name)));
      if (!customer) continue;
      operation.parameters = [
        ...(operation.parameters ?? []),
        {
          name: IDEMPOTENCY_HEADER,
          in: 'header',
          required: false,
          description: 'Makes a retry safe: the same key and request within 24 h returns the first response (see the API description).',
          schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7E]+$' },
        },
      ];
    }
  }
  return document;
}
