import type { Request } from 'express';
import type { Principal } from '../request/principal';
import type { RouteAuth } from './route-auth';

/**
 * Turns a request into a principal for a non-public route, or null (→ 401). It may throw an
 * ApiError for a more specific refusal (session_required, csrf_origin_mismatch...).
 */
export abstract class Authenticator {
  abstract authenticate(req: Request, route: Exclude<RouteAuth, { kind: 'public' }>): Promise<Principal | null>;
}
