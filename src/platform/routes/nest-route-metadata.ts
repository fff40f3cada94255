import { RequestMethod } from '@nestjs/common';
import { INTERCEPTORS_METADATA, METHOD_METADATA, MODULE_METADATA, PARAMTYPES_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';

/**
 * The one place that reads the metadata Nest's route decorators leave behind. Nest has no
 * public API that lists routes or a handler's parameters (the route inventory, the OpenAPI
 * conventions and the request-shape guard need both); @nestjs/swagger reads the same constants
 * from the same file. Pinned Nest versions and the route-auth snapshot test catch a change.
 * ESLint refuses these imports everywhere else.
 */

export { RouteParamtypes };

/** The paths a controller class is mounted at (`@Controller('x')`), `['']` when none. */
export function controllerPaths(controller: Function): string[] {
  return ([] as string[]).concat((Reflect.getMetadata(PATH_METADATA, controller) as string | string[] | undefined) ?? '');
}

/** The paths of a route handler (`@Get('y')`), or null for a method that is not a route. */
export function handlerPaths(handler: Function): string[] | null {
  const paths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
  return paths === undefined ? null : ([] as string[]).concat(paths);
}

/** The HTTP method of a route handler, upper case (`GET`). */
export function handlerMethod(handler: Function): string {
  return RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
}

export interface RouteArgument {
  /** What the parameter is bound to: body, query, param, ... */
  paramtype: RouteParamtypes;
  index: number;
  /** The decorator's argument (`@Body('field')` → 'field'). */
  data: unknown;
  /** The parameter's declared type (from emitted decorator metadata). */
  type: unknown;
}

/** The parameters a handler binds with @Body(), @Query(), @Param(), ... and their declared types. */
export function routeArguments(controller: Function, handler: Function): RouteArgument[] {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, handler.name) ?? {}) as Record<string, { index: number; data?: unknown }>;
  const types = (Reflect.getMetadata(PARAMTYPES_METADATA, (controller as { prototype: object }).prototype, handler.name) ?? []) as unknown[];
  return Object.entries(args).map(([key, { index, data }]) => ({
    paramtype: Number(key.split(':')[0]),
    index,
    data,
    type: types[index],
  }));
}

/** True for a handler whose route writes (POST, PUT, PATCH, DELETE or ALL). */
export function isMutatingRoute(handler: Function): boolean {
  if (handlerPaths(handler) === null) return false;
  const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod;
  return [RequestMethod.POST, RequestMethod.PUT, RequestMethod.PATCH, RequestMethod.DELETE, RequestMethod.ALL].includes(method);
}

/**
 * Puts `interceptor` first among a handler's interceptors, as `@UseInterceptors()` on that
 * handler would (used before Nest scans the modules, so the route picks it up as an enhancer).
 */
export function prependInterceptor(handler: Function, interceptor: Function): void {
  const interceptors = (Reflect.getMetadata(INTERCEPTORS_METADATA, handler) ?? []) as unknown[];
  if (!interceptors.includes(interceptor)) Reflect.defineMetadata(INTERCEPTORS_METADATA, [interceptor, ...interceptors], handler);
}

/** The controllers and imports a module class declares in `@Module({...})`. */
export function moduleDeclarations(moduleClass: Function): { controllers: unknown[]; imports: unknown[] } {
  const read = (key: string): unknown[] => (Reflect.getMetadata(key, moduleClass) ?? []) as unknown[];
  return { controllers: read(MODULE_METADATA.CONTROLLERS), imports: read(MODULE_METADATA.IMPORTS) };
}
