import type { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { controllerPaths, handlerMethod, handlerPaths } from './nest-route-metadata';
import { DEFAULT_ROUTE_AUTH, ROUTE_AUTH, type RouteAuth } from '../auth/route-auth';

export interface RouteEntry {
  method: string;
  path: string;
  auth: string;
}

/** One route with what the guard reads for it: the source for the inventory and the OpenAPI document. */
export interface RouteDetail {
  method: string;
  path: string;
  auth: RouteAuth;
  controller: Function;
  handler: Function;
}

export function describeAuth(auth: RouteAuth): string {
  switch (auth.kind) {
    case 'public':
      return 'public';
    case 'admin':
      return 'admin token';
    case 'customer':
      return [
        auth.sessionOnly ? 'session' : 'session|api_key',
        auth.scope ? `scope ${auth.scope}` : null,
        auth.recentAuth ? 'recent sign-in' : null,
      ]
        .filter(Boolean)
        .join(', ');
  }
}

function joinPath(...parts: string[]): string {
  return '/' + parts.map((p) => p.replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/');
}

/** Every HTTP route of the app with the authentication it requires, sorted (for the snapshot test). */
export function listRoutes(discovery: DiscoveryService, scanner: MetadataScanner, reflector: Reflector, globalPrefix = ''): RouteEntry[] {
  return listRouteDetails(discovery, scanner, reflector, globalPrefix).map(({ method, path, auth }) => ({ method, path, auth: describeAuth(auth) }));
}

/** Every HTTP route with the RouteAuth the guard applies to it (handler metadata over the controller's). */
export function listRouteDetails(discovery: DiscoveryService, scanner: MetadataScanner, reflector: Reflector, globalPrefix = ''): RouteDetail[] {
  const routes: RouteDetail[] = [];
  for (const wrapper of discovery.getControllers()) {
    const instance = wrapper.instance as object | undefined;
    const metatype = wrapper.metatype as Function | null;
    if (!instance || !metatype) continue;
    const bases = controllerPaths(metatype);
    const prototype = Object.getPrototypeOf(instance) as Record<string, Function>;
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler = prototype[name];
      const subs = handlerPaths(handler);
      if (subs === null) continue;
      const method = handlerMethod(handler);
      const auth = reflector.getAllAndOverride<RouteAuth | undefined>(ROUTE_AUTH, [handler, metatype]) ?? DEFAULT_ROUTE_AUTH;
      for (const base of bases) {
        for (const sub of subs) {
          routes.push({ method, path: joinPath(globalPrefix, base, sub), auth, controller: metatype, handler });
        }
      }
    }
  }
  return routes.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}
