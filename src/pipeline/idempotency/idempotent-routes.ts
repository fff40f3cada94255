import { type DynamicModule, type ForwardReference, RequestMethod, type Type } from '@nestjs/common';
import { INTERCEPTORS_METADATA, METHOD_METADATA, MODULE_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { MetadataScanner } from '@nestjs/core';
import { IdempotencyInterceptor } from './idempotency.interceptor';

type ModuleEntry = Type | DynamicModule | ForwardReference | Promise<DynamicModule>;

/** Methods whose routes take an Idempotency-Key (the interceptor itself honours POST, PATCH and DELETE). */
const MUTATING = new Set<RequestMethod>([RequestMethod.POST, RequestMethod.PUT, RequestMethod.PATCH, RequestMethod.DELETE, RequestMethod.ALL]);

/**
 * Makes IdempotencyInterceptor the outermost interceptor of every mutating route of `modules`
 * and the modules they import. It is not a global interceptor because Nest runs any route that
 * has interceptors through an RxJS chain, and reads never take an Idempotency-Key: GET requests
 * (the hot path) pay nothing for it. Called before Nest scans the modules, so each route's
 * module picks the interceptor up as an enhancer like an @UseInterceptors() one. Returns the
 * routes it covers.
 */
export function attachIdempotency(modules: ModuleEntry[]): Function[] {
  const scanner = new MetadataScanner();
  const covered: Function[] = [];
  for (const controller of controllersOf(modules)) {
    const prototype = controller.prototype as Record<string, Function>;
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler = prototype[name];
      if (Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
      if (!MUTATING.has(Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod)) continue;
      const interceptors = (Reflect.getMetadata(INTERCEPTORS_METADATA, handler) ?? []) as unknown[];
      if (!interceptors.includes(IdempotencyInterceptor)) {
        Reflect.defineMetadata(INTERCEPTORS_METADATA, [IdempotencyInterceptor, ...interceptors], handler);
      }
      covered.push(handler);
    }
  }
  return covered;
}

function controllersOf(modules: ModuleEntry[]): Set<Type> {
  const controllers = new Set<Type>();
  const seen = new Set<unknown>();
  const visit = (entry: ModuleEntry | undefined): void => {
    if (!entry || entry instanceof Promise) return;
    if ('forwardRef' in entry) return visit(entry.forwardRef() as ModuleEntry);
    if (seen.has(entry)) return;
    seen.add(entry);
    const dynamic = 'module' in entry ? (entry as DynamicModule) : null;
    const moduleClass = dynamic ? dynamic.module : (entry as Type);
    const metadata = (key: string): unknown[] => (Reflect.getMetadata(key, moduleClass) ?? []) as unknown[];
    for (const c of [...metadata(MODULE_METADATA.CONTROLLERS), ...(dynamic?.controllers ?? [])]) controllers.add(c as Type);
    for (const m of [...metadata(MODULE_METADATA.IMPORTS), ...(dynamic?.imports ?? [])]) visit(m as ModuleEntry);
  };
  modules.forEach(visit);
  return controllers;
}
