import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { ApiError } from '../errors/api-error';
import { CommonErrors } from '../errors/common-errors';
import type { AppRequest } from '../request/request-context';
import { AuthFailureLimiter } from './auth-failure-limiter';
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
    private readonly failures: AuthFailureLimiter,
  ) {}

  /** Each handler's RouteAuth, read from its metadata once. */
  private readonly routes = new WeakMap<Function, RouteAuth>();

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const handler = context.getHandler();
    let route = this.routes.get(handler);
    if (!route) {
      route = routeAuthOf(this.reflector, context);
      this.routes.set(handler, route);
    }
    if (route.kind === 'public') return true;
    const req = context.switchToHttp().getRequest<Request>();
    let principal;
    try {
      principal = await this.authenticator.authenticate(req, route);
    } catch (error) {
      // Every refusal (bad credentials 401, CSRF, session-only and missing-scope 403) spends
      // budget and carries the RateLimit headers, like any other response.
      if (error instanceof ApiError && error.getStatus() < 500) await this.spendFailure(context);
      throw error;
    }
    if (!principal) {
      await this.spendFailure(context);
      throw CommonErrors.unauthenticated();
    }
    (req as AppRequest).didhub!.principal = principal;
    return true;
  }

  private spendFailure(context: ExecutionContext): Promise<void> {
    const http = context.switchToHttp();
    return this.failures.spendOnFailure(http.getRequest<Request>(), http.getResponse<Response>());
  }
}
