import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { CONSUMES } from './consumes.decorator';
import { RouteParamtypes, routeArguments } from '../routes/nest-route-metadata';
import { hasBody, JSON_MEDIA_TYPE, mediaTypeOf } from './json-body.middleware';
import type { AppRequest } from '../request/request-context';
import { type DtoSchema, describeKind, dtoSchemaOf, hasKind, type PropertySchema } from '../validation/dto-schema';
import { InputErrors } from '../errors/input-errors';
import { checkString, joinKey } from '../validation/json-gate';

type Part = { kind: 'dto'; schema: DtoSchema } | { kind: 'none' } | { kind: 'any' };

interface RouteShape {
  body: Part;
  query: Part;
  /** Media types the route reads besides JSON, from @Consumes (so the OpenAPI document and the check agree). */
  otherMediaTypes: string[];
  takesJson: boolean;
}

const PLAIN_TYPES = new Set<unknown>([Object, String, Number, Boolean, Array, Function, undefined]);
const MAX_QUERY_VALUE_LENGTH = 2048;
const MAX_QUERY_KEYS = 50;
const MAX_PATH_PARAM_LENGTH = 256;

/**
 * The third global guard (after authentication and throttling, before idempotency and the
 * validation pipe): refuses a request whose shape the route cannot take, cheaply and before
 * class-transformer sees it.
 * - the body refusal recorded by jsonBody() (malformed, too deep, too many keys, bad text, 413, 415);
 * - a body in a media type the route does not read → 415 unsupported_media_type;
 * - an unknown field in the body (also on PATCH and on routes that take no body) or in a
 *   declared query → 400 unknown_parameter naming it;
 * - a field of the wrong JSON type → 400 "<field> must be a string", before any length or format check;
 * - query and path values with NUL, unpaired surrogates or excessive length.
 */
@Injectable()
export class RequestShapeGuard implements CanActivate {
  private readonly shapes = new WeakMap<Function, RouteShape>();

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<AppRequest>();
    const state = req.didhub;
    if (state?.bodyError) throw state.bodyError;
    const shape = this.shapeOf(context);

    if (hasBody(req)) {
      const media = mediaTypeOf(req);
      if (media === JSON_MEDIA_TYPE ? !shape.takesJson : !shape.otherMediaTypes.includes(media)) {
        throw InputErrors.unsupportedMediaType(shape.takesJson ? [JSON_MEDIA_TYPE, ...shape.otherMediaTypes] : shape.otherMediaTypes);
      }
    }
    // A JSON body, or none at all (a DTO route then reports its first missing field).
    if (state?.bodyRead || !hasBody(req)) checkBody(req.body, shape.body);
    checkQuery(req.query, shape.query);
    for (const [name, value] of Object.entries(req.params ?? {})) {
      if (typeof value === 'string') checkString(value, name, MAX_PATH_PARAM_LENGTH);
    }
    return true;
  }

  private shapeOf(context: ExecutionContext): RouteShape {
    const handler = context.getHandler();
    let shape = this.shapes.get(handler);
    if (!shape) {
      shape = describeRoute(context.getClass(), handler);
      this.shapes.set(handler, shape);
    }
    return shape;
  }
}

function describeRoute(controller: Function, handler: Function): RouteShape {
  const args = routeArguments(controller, handler);
  const part = (paramtype: RouteParamtypes, absent: Part): Part => {
    const arg = args.find((a) => a.paramtype === paramtype);
    if (!arg) return absent;
    const { data, type } = arg;
    if (data !== undefined || PLAIN_TYPES.has(type) || typeof type !== 'function') return { kind: 'any' };
    return { kind: 'dto', schema: dtoSchemaOf(type) };
  };
  const consumes = ((Reflect.getMetadata(CONSUMES, handler) ?? Reflect.getMetadata(CONSUMES, controller) ?? []) as string[]).map(
    (m) => m.toLowerCase(),
  );
  return {
    body: part(RouteParamtypes.BODY, { kind: 'none' }),
    // Routes without a query DTO ignore the query string; only its text is checked there.
    query: part(RouteParamtypes.QUERY, { kind: 'any' }),
    otherMediaTypes: consumes.filter((m) => m !== JSON_MEDIA_TYPE),
    takesJson: consumes.length === 0 || consumes.includes(JSON_MEDIA_TYPE),
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function checkBody(body: unknown, part: Part): void {
  if (part.kind === 'any') return;
  if (body === undefined) {
    if (part.kind === 'dto') checkObject({}, part.schema, '');
    return;
  }
  if (part.kind === 'none') {
    if (!isPlainObject(body)) throw InputErrors.noBodyAccepted();
    const [first] = Object.keys(body);
    if (first !== undefined) throw InputErrors.unknownParameter(first);
    return;
  }
  if (!isPlainObject(body)) throw InputErrors.notAnObject();
  checkObject(body, part.schema, '');
}

/** One look per key; nested DTOs through an explicit stack (the JSON gate already bounded depth). */
function checkObject(root: Record<string, unknown>, rootSchema: DtoSchema, rootPath: string): void {
  const stack: { value: Record<string, unknown>; schema: DtoSchema; path: string }[] = [{ value: root, schema: rootSchema, path: rootPath }];
  while (stack.length) {
    const { value, schema, path } = stack.pop()!;
    for (const key of Object.keys(value)) {
      const param = joinKey(path, key);
      const prop = schema.properties.get(key);
      if (!prop) throw InputErrors.unknownParameter(param);
      const child = value[key];
      if (child === undefined || !prop.conditions.every((applies) => applies(value, child))) continue;
      checkKind(child, prop, param);
      if (prop.nested && isPlainObject(child)) stack.push({ value: child, schema: prop.nested, path: param });
      if (Array.isArray(child)) {
        child.forEach((item, i) => {
          if (prop.element && !hasKind(item, prop.element)) throw InputErrors.wrongType(`${param}[${i}]`, describeKind(prop.element));
          if (prop.nested && isPlainObject(item)) stack.push({ value: item, schema: prop.nested, path: `${param}[${i}]` });
        });
      }
    }
    // A missing required field is a type error too ("name is required: a string"), named
    // before any other constraint of another field.
    for (const [name, prop] of schema.properties) {
      if (prop.kind && prop.conditions.length === 0 && value[name] === undefined) {
        throw InputErrors.missing(joinKey(path, name), describeKind(prop.kind));
      }
    }
  }
}

function checkKind(value: unknown, prop: PropertySchema, param: string): void {
  if (prop.kind && !hasKind(value, prop.kind)) throw InputErrors.wrongType(param, describeKind(prop.kind));
}

function checkQuery(query: Record<string, unknown> | undefined, part: Part): void {
  if (!query) return;
  const keys = Object.keys(query);
  if (keys.length > MAX_QUERY_KEYS) throw InputErrors.tooManyKeys('', MAX_QUERY_KEYS);
  for (const key of keys) {
    checkString(key, key, MAX_QUERY_VALUE_LENGTH);
    const value = query[key];
    const prop = part.kind === 'dto' ? part.schema.properties.get(key) : undefined;
    if (part.kind === 'dto' && !prop) throw InputErrors.unknownParameter(key);
    if (Array.isArray(value)) {
      if (prop && prop.kind !== 'array') throw InputErrors.wrongType(key, 'a single value');
      for (const item of value) if (typeof item === 'string') checkString(item, key, MAX_QUERY_VALUE_LENGTH);
    } else if (typeof value === 'string') {
      checkString(value, key, MAX_QUERY_VALUE_LENGTH);
    } else if (value !== undefined) {
      throw InputErrors.wrongType(key, 'a single value');
    }
  }
}
