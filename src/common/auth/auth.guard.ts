import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { CommonErrors } from '../errors/common-errors';
import type { AppRequest } from '../http/request-context';
import { Authenticator } from './authenticator';
import { DEFAULT_ROUTE_AUTH, ROUTE_AUTH, type RouteAuth } from './route-auth';

export function routeAuthOf(reflector: Reflector, context: ExecutionContext): RouteAuth {
  return (
    reflector.getAllAndOverride<RouteAuth | undefined>(ROUTE_AUTH, [context.getHandler(), context.getClass()]) ??
    DEFAULT_ROUTE_AUTH
  );
}

/** Global and default-deny: every route needs a principal unless it is marked @Public(). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const route = routeAuthOf(this.reflector, context);
    if (route.kind === 'public') return true;
    const req = context.switchToHttp().getRequest<Request>();
    const principal = await this.authenticator.authenticate(req, route);
    if (!principal) throw CommonErrors.unauthenticated();
    (req as AppRequest).didhub!.principal = principal;
    return true;
  }
}
