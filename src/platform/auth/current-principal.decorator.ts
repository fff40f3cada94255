import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AppRequest } from '../request/request-context';
import type { Principal } from '../request/principal';

/** The guard's principal; throws if a route that should have one has none (a wiring bug). */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<AppRequest>().didhub?.principal;
  if (!principal) throw new Error('CurrentPrincipal used on a route without an authenticated principal');
  return principal;
});
