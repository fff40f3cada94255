import { getMetadataStorage, ValidationTypes } from 'class-validator';

import { nestedTypeOf } from './nested.decorator';

/** The JSON type a property must have before any other constraint is worth checking. */
export type JsonKind = 'string' | 'integer' | 'number' | 'boolean' | 'array' | 'object';

export interface PropertySchema {
  kind: JsonKind | null;
  /** For arrays: the kind of each element (from `{ each: true }` validators). */
  element: JsonKind | null;
  /** Nested DTO (ValidateNested + @Type), for the object or for each element. */
  nested: DtoSchema | null;
  /** @IsOptional() and @ValidateIf(): the property is checked only when every condition holds. */
  conditions: Array<(object: unknown, value: unknown) => boolean>;
}

export interface DtoSchema {
  properties: Map<string, PropertySchema>;
}

const KIND_OF_VALIDATOR: Record<string, JsonKind> = {
  isString: 'string',
  isEmail: 'string',
  isUrl: 'string',
  isUuid: 'string',
  isFqdn: 'string',
  isIp: 'string',
  isIso8601: 'string',
  isDateString: 'string',
  isISO31661Alpha2: 'string',
  isISO4217CurrencyCode: 'string',
  isPhoneNumber: 'string',
  isNumberString: 'string',
  isBooleanString: 'string',
  matches: 'string',
  minLength: 'string',
  maxLength: 'string',
  isLength: 'string',
  isInt: 'integer',
  isNumber: 'number',
  isBoolean: 'boolean',
  isArray: 'array',
  arrayNotEmpty: 'array',
  arrayMinSize: 'array',
  arrayMaxSize: 'array',
  arrayUnique: 'array',
  isObject: 'object',
  isNotEmptyObject: 'object',
};

/** isIn/isEnum: a string kind when every allowed value is a string. */
function kindOfChoice(values: unknown): JsonKind | null {
  const list = Array.isArray(values) ? values : values && typeof values === 'object' ? Object.values(values) : [];
  if (list.length && list.every((v) => typeof v === 'string')) return 'string';
  return null;
}

const cache = new WeakMap<Function, DtoSchema>();

/**
 * The declared properties of a DTO class and the JSON kind of each, read once from
 * class-validator's and class-transformer's metadata and cached per class. Lets the request
 * gate refuse unknown fields and wrong types with one look per key, before class-transformer
 * copies anything, and makes the type error the first one a client sees.
 */
export function dtoSchemaOf(dto: Function): DtoSchema {
  const known = cache.get(dto);
  if (known) return known;
  const schema: DtoSchema = { properties: new Map() };
  cache.set(dto, schema); // before descending, so a self-referencing DTO terminates
  const metadatas = getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false);
  for (const meta of metadatas) {
    if (meta.type === ValidationTypes.WHITELIST) {
      property(schema, meta.propertyName);
      continue;
    }
    const prop = property(schema, meta.propertyName);
    if (meta.type === ValidationTypes.CONDITIONAL_VALIDATION && typeof meta.constraints?.[0] === 'function') {
      prop.conditions.push(meta.constraints[0] as (object: unknown, value: unknown) => boolean);
    }
    if (meta.type === ValidationTypes.NESTED_VALIDATION) {
      const type = nestedTypeOf(dto, meta.propertyName);
      if (type) prop.nested = dtoSchemaOf(type);
      if (meta.each) prop.element = 'object';
      else if (prop.kind === null) prop.kind = 'object';
      continue;
    }
    if (meta.type !== ValidationTypes.CUSTOM_VALIDATION || !meta.name) continue;
    const kind =
      meta.name === 'isIn' ? kindOfChoice(meta.constraints?.[0]) : meta.name === 'isEnum' ? kindOfChoice(meta.constraints?.[0]) : KIND_OF_VALIDATOR[meta.name];
    if (!kind) continue;
    if (meta.each) prop.element ??= kind;
    else if (prop.kind === null || prop.kind === 'object') prop.kind = kind;
  }
  for (const prop of schema.properties.values()) {
    // `{ each: true }` validators on a property with no isArray still imply an array.
    if (prop.element && prop.kind !== 'array') prop.kind = 'array';
  }
  return schema;
}

function property(schema: DtoSchema, name: string): PropertySchema {
  let prop = schema.properties.get(name);
  if (!prop) {
    prop = { kind: null, element: null, nested: null, conditions: [] };
    schema.properties.set(name, prop);
  }
  return prop;
}

const ARTICLE: Record<JsonKind, string> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'a boolean',
  array: 'an array',
  object: 'an object',
};

export function describeKind(kind: JsonKind): string {
  return ARTICLE[kind];
}

/** Whether a JSON value has the kind (integers must be exact: safe integers only). */
export function hasKind(value: unknown, kind: JsonKind): boolean {
  switch (kind) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' && Number.isSafeInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value);
  }
}
