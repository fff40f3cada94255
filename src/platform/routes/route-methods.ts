import { Injectable } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { listRouteDetails } from './route-inventory';

interface PathMethods {
  pattern: RegExp;
  methods: Set<string>;
}

/**
 * Which methods a known path answers: a request with another method gets 405 with `Allow`
 * rather than the 404 of an unknown path. Consulted only once routing found nothing, so the hot
 * path pays nothing; the table is built on the first miss.
 */
@Injectable()
export class RouteMethods {
  private table: PathMethods[] | null = null;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  /** The methods `path` answers (HEAD with GET), or an empty list for a path no route has. */
  allowed(path: string): string[] {
    this.table ??= this.build();
    const found = this.table.find((entry) => entry.pattern.test(path));
    return found ? [...found.methods].sort() : [];
  }

  private build(): PathMethods[] {
    const byTemplate = new Map<string, Set<string>>();
    for (const { method, path } of listRouteDetails(this.discovery, this.scanner, this.reflector, 'v1')) {
      const methods = byTemplate.get(path) ?? new Set<string>();
      methods.add(method);
      if (method === 'GET') methods.add('HEAD');
      byTemplate.set(path, methods);
    }
    return [...byTemplate].map(([template, methods]) => ({ pattern: templatePattern(template), methods }));
  }
}

/** `/v1/cdrs/:id` → a case-insensitive regular expression for one path (a trailing slash allowed, as Express does). */
function templatePattern(template: string): RegExp {
  const source = template
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}/?$`, 'i');
}
