import type { DynamicModule, ForwardReference, Type } from '@nestjs/common';
import { MetadataScanner } from '@nestjs/core';
import { isMutatingRoute, moduleDeclarations, prependInterceptor } from '../../platform/routes/nest-route-metadata';
import { IdempotencyInterceptor } from './idempotency.interceptor';

type ModuleEntry = Type | DynamicModule | ForwardReference | Promise<DynamicModule>;

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
      if (!isMutatingRoute(handler)) continue;
      prependInterceptor(handler, IdempotencyInterceptor);
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
    if ('forwardRef' in entry) return visit((entry.forwardRef as () => ModuleEntry)());
    if (seen.has(entry)) return;
    seen.add(entry);
    const dynamic = 'module' in entry ? (entry) : null;
    const moduleClass = dynamic ? dynamic.module : (entry as Type);
    const declared = moduleDeclarations(moduleClass);
    for (const c of [...declared.controllers, ...(dynamic?.controllers ?? [])]) controllers.add(c as Type);
    for (const m of [...declared.imports, ...(dynamic?.imports ?? [])]) visit(m as ModuleEntry);
  };
  modules.forEach(visit);
  return controllers;
}
