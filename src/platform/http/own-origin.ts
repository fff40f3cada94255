import type { Request } from 'express';
import type { AppConfig } from '../config/config.types';

/**
 * This API's own origin: PUBLIC_API_URL when set, else the scheme and Host the request came in
 * on (the scheme from X-Forwarded-Proto only behind TRUST_PROXY). Swagger UI at /docs is served
 * from it, so its "Try it out" calls are same-origin.
 */
export function ownOrigin(config: Pick<AppConfig, 'publicApiUrl'>, req: Request): string {
  return config.publicApiUrl ?? `${req.protocol}://${req.get('host')}`;
}
