import fc from 'fast-check';
import { pdfBytes } from '../compliance-fixtures';
import type { FuzzOperation, Parameter, Schema } from './operations';

/** One generated request: what goes on the wire, and whether any answer but a refusal is a bug. */
export interface FuzzCase {
  /** The class of input, e.g. `body.wrong-type`; known failures are listed by it. */
  kind: string;
  /** Which field or parameter was changed, and how (for the report). */
  detail: string;
  /** The request target exactly as sent (path and query, percent-encoded by hand). */
  target: string;
  headers: Record<string, string>;
  body: Buffer | null;
  /** The input breaks the documented contract: a 2xx or 3xx answer is a finding. */
  mustRefuse: boolean;
}

/** Placeholders for path parameters: plausible shapes that name nothing in the database. */
const PATH_PLACEHOLDER: Record<string, string> = { id: 'xyz_0000000000000000000000', provider: 'google' };
const JSON_TYPE = 'application/json';

/** A lone surrogate as WTF-8 bytes: the form a client that does not validate its strings sends. */
const LONE_SURROGATE_BYTES = '%ED%A0%80';

/** Strings no field accepts (NUL, an unpaired surrogate, 100 KB): the answer must be a refusal. */
const INVALID_STRINGS: Array<[string, string]> = [
  ['NUL', 'a\u0000b'],
  ['lone high surrogate', 'x\ud800'],
  ['lone low surrogate', '\udc00y'],
  ['100 KB', 'x'.repeat(100 * 1024)],
  ['100 KB of RTL marks', '\u202e'.repeat(100 * 1024)],
];

/** Strings a field may accept or refuse, but never answer with a 5xx. */
const HOSTILE_STRINGS: Array<[string, string]> = [
  ['RTL override', '\u202eevil.exe\u202c'],
  ['RTL mark', '\u200fمرحبا\u200f'],
  ['zero-width and BOM', '\u200b\ufeffx\u200d'],
  ['path traversal', '../../../../etc/passwd'],
  ['encoded traversal', '%2e%2e%2f%2e%2e%2fetc%2fpasswd'],
  ['backslash traversal', '..\\..\\windows\\win.ini'],
  ['SQL', "x' OR '1'='1'; DROP TABLE accounts;--"],
  ['template', '${jndi:ldap://127.0.0.1/a}{{7*7}}<%= 7*7 %>'],
  ['HTML', '<script>alert(1)</script>'],
  ['CRLF', 'a\r\nX-Injected: 1'],
  ['C1 control', 'a\u0085b\u009bc'],
  ['line separator', 'a\u2028b'],
  ['astral', '𝕏🏳️‍🌈'],
  ['combining', 'e\u0301\u0301\u0301\u0301'],
  ['empty', ''],
  ['spaces', '   '],
  ['long line', 'y'.repeat(5000)],
  ['format', '%s%n%x'],
  ['E.164-ish', '+4930000000000000000000'],
  ['negative zero', '-0'],
];

const stringFrom = (list: Array<[string, string]>) => fc.constantFrom(...list);
const anyHostileString = fc.oneof(
  stringFrom(HOSTILE_STRINGS),
  fc.string({ unit: 'binary', maxLength: 40 }).map((s): [string, string] => ['random unicode', s]),
  fc.string({ unit: 'binary-ascii', maxLength: 40 }).map((s): [string, string] => ['random latin-1', s]),
);

/** A value of the declared schema that passes the type check (examples where the document has them). */
export function sampleOf(schema: Schema, depth = 0): unknown {
  if (schema.enum?.length) return schema.enum[0];
  const type = schema.type ?? (schema.properties ? 'object' : undefined);
  if (schema.example !== undefined && type !== 'object') return schema.example;
  switch (type) {
    case 'string':
      if (schema.format === 'date') return '1980-02-03';
      if (schema.format === 'date-time') return '2026-01-01T00:00:00Z';
      if (schema.format === 'password') return 'a long passphrase 42';
      return 'x'.repeat(Math.max(1, schema.minLength ?? 1));
    case 'number':
    case 'integer':
      return schema.minimum ?? 1;
    case 'boolean':
      return true;
    case 'array':
      return schema.minItems && schema.items ? [sampleOf(schema.items, depth + 1)] : [];
    case 'object': {
      const out: Record<string, unknown> = {};
      if (depth > 4) return out;
      for (const [name, prop] of Object.entries(schema.properties ?? {})) if (!prop.readOnly) out[name] = sampleOf(prop, depth + 1);
      return out;
    }
    default:
      return 'x';
  }
}

/** Every field of a body schema, nested objects included, as a path of keys. */
interface Leaf {
  path: string[];
  schema: Schema;
  required: boolean;
}
function leavesOf(schema: Schema, prefix: string[] = []): Leaf[] {
  const out: Leaf[] = [];
  for (const [name, prop] of Object.entries(schema.properties ?? {})) {
    if (prop.readOnly) continue;
    const path = [...prefix, name];
    out.push({ path, schema: prop, required: (schema.required ?? []).includes(name) });
    if (prop.properties && prefix.length < 3) out.push(...leavesOf(prop, path));
  }
  return out;
}

function withValue(body: Record<string, unknown>, path: string[], value: unknown | typeof REMOVE): Record<string, unknown> {
  const copy = structuredClone(body);
  let node: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  const last = path[path.length - 1];
  if (value === REMOVE) delete node[last];
  else node[last] = value;
  return copy;
}
const REMOVE = Symbol('remove');

/** Values of another JSON type than the declared one (null only where null is not allowed). */
function wrongTypeValues(schema: Schema): unknown[] {
  const values: Record<string, unknown[]> = {
    string: [0, 1.5, -1, true, false, {}, [], ['x'], { a: 'x' }],
    number: ['1', '', 'NaN', true, {}, [], [1]],
    integer: ['1', true, {}, [], [1]],
    boolean: ['true', 'false', 0, 1, {}, []],
    array: ['x', 1, {}, true, { 0: 'x' }],
    object: ['x', 1, [], true, [{}]],
  };
  const type = schema.type ?? (schema.properties ? 'object' : undefined);
  const list = type ? (values[type] ?? []) : [];
  return schema.nullable || !type ? list : [...list, null];
}

/** Values at and past the documented bounds; `invalid` when the document says they are refused. */
function boundaryValues(schema: Schema): Array<{ value: unknown; invalid: boolean; what: string }> {
  const out: Array<{ value: unknown; invalid: boolean; what: string }> = [];
  const type = schema.type;
  if (type === 'string') {
    if (schema.maxLength !== undefined) {
      out.push({ value: 'x'.repeat(schema.maxLength + 1), invalid: true, what: `maxLength+1 (${schema.maxLength + 1})` });
      out.push({ value: 'é'.repeat(schema.maxLength), invalid: false, what: `maxLength of 2-byte characters` });
    }
    if (schema.minLength) out.push({ value: 'x'.repeat(schema.minLength - 1), invalid: true, what: `minLength-1 (${schema.minLength - 1})` });
    if (schema.enum?.length) {
      const first = String(schema.enum[0]);
      out.push({ value: `${first}x`, invalid: true, what: 'not in the enum' });
      out.push({ value: first.toUpperCase() === first ? first.toLowerCase() : first.toUpperCase(), invalid: true, what: 'enum in the other case' });
      out.push({ value: ` ${first}`, invalid: true, what: 'enum with a leading space' });
    }
    if (schema.format === 'date') {
      for (const d of ['1980-02-30', '0000-01-01', '+010000-01-01', '1980-1-1', '1980-01-01T00:00:00Z', '2999-01-01', '-000001-01-01', ''])
        out.push({ value: d, invalid: true, what: `date ${JSON.stringify(d)}` });
    }
    if (schema.format === 'date-time') {
      for (const d of ['2026-13-01T00:00:00Z', '2026-02-30T00:00:00Z', 'yesterday', '275760-09-13T00:00:00.001Z', ''])
        out.push({ value: d, invalid: true, what: `date-time ${JSON.stringify(d)}` });
    }
  }
  if (type === 'number' || type === 'integer') {
    if (schema.minimum !== undefined) out.push({ value: schema.minimum - 1, invalid: true, what: `minimum-1 (${schema.minimum - 1})` });
    if (schema.maximum !== undefined) out.push({ value: schema.maximum + 1, invalid: true, what: `maximum+1 (${schema.maximum + 1})` });
    for (const v of [0, -1, 1.5, 2 ** 53 + 2, -(2 ** 63), 1e308, 5e-324]) {
      const outside = (schema.minimum !== undefined && v < schema.minimum) || (schema.maximum !== undefined && v > schema.maximum);
      out.push({ value: v, invalid: outside, what: `number ${v}` });
    }
  }
  if (type === 'array') {
    out.push({ value: Array.from({ length: 2000 }, () => (schema.items ? sampleOf(schema.items) : 'x')), invalid: false, what: '2000 items' });
    if (schema.maxItems !== undefined) out.push({ value: Array.from({ length: schema.maxItems + 1 }, () => 'x'), invalid: true, what: 'maxItems+1' });
  }
  return out;
}

const utf8 = (text: string) => Buffer.from(text, 'utf8');

/** JSON text with `"key":value` spliced in first (so `__proto__` arrives as a real key). */
function withRawKey(body: Record<string, unknown>, key: string, valueJson: string): string {
  const rest = JSON.stringify(body).slice(1);
  return `{${JSON.stringify(key)}:${valueJson}${rest === '}' ? '' : ','}${rest}`;
}

type BodyCase = Omit<FuzzCase, 'target' | 'headers'> & { contentType?: string };

/** Bad JSON bodies for an operation (its documented body, or none: then any body is refused). */
function jsonBodyCases(op: FuzzOperation): fc.Arbitrary<BodyCase> {
  const schema: Schema = op.jsonBody ?? { type: 'object', properties: {} };
  const base = (op.jsonBody ? sampleOf(op.jsonBody) : {}) as Record<string, unknown>;
  const baseText = JSON.stringify(base);
  const leaves = leavesOf(schema);
  const arbs: fc.Arbitrary<BodyCase>[] = [];
  const json = (kind: string, detail: string, value: unknown, mustRefuse: boolean): BodyCase => ({
    kind,
    detail,
    body: utf8(JSON.stringify(value)),
    mustRefuse,
  });

  if (leaves.length) {
    const leaf = fc.constantFrom(...leaves);
    arbs.push(
      leaf.chain((l) => {
        // An optional field given null is treated as absent (class-validator's IsOptional).
        const wrong = wrongTypeValues(l.schema).filter((v) => v !== null || l.required);
        return wrong.length
          ? fc.constantFrom(...wrong).map((v) => json('body.wrong-type', `${l.path.join('.')} = ${JSON.stringify(v)}`, withValue(base, l.path, v), true))
          : fc.constant(json('body.wrong-type', `${l.path.join('.')} = {}`, withValue(base, l.path, {}), false));
      }),
    );
    arbs.push(
      leaf.chain((l) =>
        fc.oneof(stringFrom(INVALID_STRINGS).map(([what, s]) => ({ what, s, invalid: true })), anyHostileString.map(([what, s]) => ({ what, s, invalid: false }))).map(
          ({ what, s, invalid }) => json('body.hostile-string', `${l.path.join('.')} = ${what}`, withValue(base, l.path, s), invalid),
        ),
      ),
    );
    const bounded = leaves.flatMap((l) => boundaryValues(l.schema).map((b) => ({ l, b })));
    if (bounded.length) {
      arbs.push(fc.constantFrom(...bounded).map(({ l, b }) => json('body.boundary', `${l.path.join('.')}: ${b.what}`, withValue(base, l.path, b.value), b.invalid)));
    }
    const required = leaves.filter((l) => l.required);
    if (required.length) {
      arbs.push(fc.constantFrom(...required).map((l) => json('body.missing-required', `without ${l.path.join('.')}`, withValue(base, l.path, REMOVE), true)));
    }
  }
  const declared = new Set(Object.keys(schema.properties ?? {}));
  const extraKey = fc
    .oneof(
      fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'zz_extra', '', ' ', 'a.b', 'a[0]', '$where', 'id', 'account_id', 'NAME', '\u0000', 'x'.repeat(300)),
      fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 12 }),
    )
    .filter((k) => !declared.has(k));
  const extraValue = fc.oneof(fc.constantFrom('1', 'null', '"x"', '{"polluted":true}', '[]'), fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v) ?? 'null'));
  arbs.push(
    fc.tuple(extraKey, extraValue).map(([key, value]) => ({
      kind: 'body.extra-field',
      detail: `extra ${JSON.stringify(key).slice(0, 40)}`,
      body: utf8(withRawKey(base, key, value)),
      mustRefuse: true,
    })),
  );
  arbs.push(
    fc.constantFrom('[]', '"x"', '1', 'null', 'true', '[{}]', '-0', '1e999', '""').map((text) => ({
      kind: 'body.not-an-object',
      detail: text,
      body: utf8(text),
      mustRefuse: true,
    })),
  );
  const malformed: Array<[string, Buffer, boolean]> = [
    ['trailing garbage', utf8(`${baseText}x`), true],
    ['two documents', utf8(`${baseText}{}`), true],
    ['single quotes', utf8(baseText.replace(/"/g, "'")), baseText !== '{}'],
    ['NaN literal', utf8('{"a":NaN}'), true],
    ['comment', utf8(`/* c */${baseText}`), true],
    ['BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8(baseText)]), false],
    ['invalid UTF-8', Buffer.concat([utf8('{"a":"'), Buffer.from([0xff, 0xfe, 0xc0, 0xaf]), utf8('"}')]), true],
    ['overlong UTF-8 slash', Buffer.concat([utf8('{"a":"'), Buffer.from([0xc0, 0xaf]), utf8('"}')]), true],
    ['WTF-8 surrogate', Buffer.concat([utf8('{"a":"'), Buffer.from([0xed, 0xa0, 0x80]), utf8('"}')]), true],
    ['duplicate keys', utf8(baseText === '{}' ? '{"a":1,"a":2}' : `${baseText.slice(0, -1)},${baseText.slice(1)}`), false],
    ['escaped NUL key', utf8('{"\\u0000":1}'), true],
    ['empty', Buffer.alloc(0), false],
    ['whitespace only', utf8(' \r\n\t '), false],
  ];
  arbs.push(fc.constantFrom(...malformed).map(([detail, body, mustRefuse]) => ({ kind: 'body.malformed-json', detail, body, mustRefuse })));
  if (baseText.length > 2) {
    arbs.push(
      fc.integer({ min: 1, max: baseText.length - 1 }).map((cut) => ({
        kind: 'body.truncated-json',
        detail: `cut at ${cut} of ${baseText.length}`,
        body: utf8(baseText).subarray(0, cut),
        mustRefuse: true,
      })),
    );
  }
  const types: Array<[string, boolean]> = [
    ['text/plain', true],
    ['application/x-www-form-urlencoded', true],
    ['application/json; charset=utf-16', true],
    ['application/json; charset=latin1', true],
    ['multipart/form-data', true],
    ['multipart/form-data; boundary=B', true],
    ['application/xml', true],
    ['application/merge-patch+json', true],
    ['Application/JSON', false],
    ['application/json;;;', false],
    ['*/*', true],
  ];
  arbs.push(
    fc.constantFrom(...types).map(([contentType, mustRefuse]) => ({
      kind: 'body.content-type',
      detail: contentType,
      contentType,
      // The same bytes under the other media type; a body-less POST with an empty object is fine.
      body: utf8(baseText === '{}' ? '{"a":1}' : baseText),
      mustRefuse: mustRefuse || baseText === '{}',
    })),
  );
  return fc.oneof(...arbs);
}

/** A string percent-encoded for a request target; unpaired surrogates as their WTF-8 bytes. */
export function encodeForTarget(value: string): string {
  let out = '';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (code >= 0xd800 && code <= 0xdfff) out += LONE_SURROGATE_BYTES;
    else out += encodeURIComponent(ch);
  }
  return out;
}

/** Raw path-segment values (already encoded as sent): traversal, bad escapes, NUL, very long. */
const PATH_VALUES: Array<[string, string]> = [
  ['dot-dot', '..'],
  ['encoded dot-dot', '%2e%2e'],
  ['encoded traversal', '..%2f..%2fadmin%2faccounts'],
  ['double-encoded traversal', '%252e%252e%252f'],
  ['backslash traversal', '..%5c..%5c'],
  ['NUL', 'x%00y'],
  ['lone surrogate', `x${LONE_SURROGATE_BYTES}`],
  ['invalid UTF-8', '%FF%FE'],
  ['bare percent', '%'],
  ['bad escape', '%zz'],
  ['RTL override', '%E2%80%AEfdp.exe'],
  ['SQL', "1'%20OR%20'1'='1"],
  ['semicolon params', 'x;jsessionid=1'],
  ['257 characters', 'x'.repeat(257)],
  ['4000 characters', 'y'.repeat(4000)],
  ['asterisk', '*'],
  ['empty-ish', '%20'],
  ['number', '1'],
  ['negative', '-1'],
  ['prototype', '__proto__'],
];

function fillPath(template: string, fill: (name: string) => string): string {
  return template.replace(/\{([A-Za-z_]+)\}/g, (_, name: string) => fill(name));
}

/** The operation's path with real ids where the suite made them, placeholders elsewhere. */
export function basePath(op: FuzzOperation, ids: Record<string, string> = {}): string {
  return fillPath(op.template, (name) => ids[name] ?? PATH_PLACEHOLDER[name] ?? 'x');
}

interface TargetCase {
  kind: string;
  detail: string;
  target: string;
  mustRefuse: boolean;
}

/** Hostile path parameters (refused: nothing can be named by them) and bad query strings. */
function targetCases(op: FuzzOperation, ids: Record<string, string>): fc.Arbitrary<TargetCase>[] {
  const arbs: fc.Arbitrary<TargetCase>[] = [];
  const pathParams = op.parameters.filter((p) => p.in === 'path');
  if (pathParams.length) {
    arbs.push(
      fc.tuple(fc.constantFrom(...pathParams), fc.constantFrom(...PATH_VALUES)).map(([param, [what, raw]]) => ({
        kind: 'path.hostile',
        detail: `${param.name} = ${what}`,
        target: fillPath(op.template, (name) => (name === param.name ? raw : (ids[name] ?? PATH_PLACEHOLDER[name] ?? 'x'))),
        mustRefuse: true,
      })),
    );
  }
  const query = op.parameters.filter((p) => p.in === 'query');
  const base = basePath(op, ids);
  if (query.length) {
    arbs.push(
      fc
        .constantFrom(...query)
        .chain((p) => fc.constantFrom(...queryValues(p)).map(([what, raw, invalid]) => ({ p, what, raw, invalid })))
        .map(({ p, what, raw, invalid }) => ({
          kind: 'query.bad-value',
          detail: `${p.name} = ${what}`,
          target: `${base}?${p.name}=${raw}`,
          mustRefuse: invalid,
        })),
    );
    arbs.push(
      fc.constantFrom(...query).map((p) => ({
        kind: 'query.repeated',
        detail: `${p.name} twice`,
        target: `${base}?${p.name}=${encodeForTarget(String(sampleOf(p.schema)))}&${p.name}=${encodeForTarget(String(sampleOf(p.schema)))}`,
        mustRefuse: true,
      })),
    );
  }
  arbs.push(
    fc
      .tuple(
        fc.constantFrom('zz', '__proto__', 'constructor', 'limit[]', 'a[b][c]', '%00', LONE_SURROGATE_BYTES, 'x'.repeat(3000)),
        fc.constantFrom('1', '%00', '%', 'x'.repeat(3000), LONE_SURROGATE_BYTES, '[]'),
      )
      .map(([key, value]) => ({
        kind: 'query.extra',
        detail: `${key.slice(0, 20)}=${value.slice(0, 20)}`,
        target: `${base}?${key}=${value}`,
        // Routes without a query DTO ignore unknown names; NUL and overlong text are refused
        // everywhere (invalid UTF-8 is decoded to U+FFFD, which is text).
        mustRefuse: query.length > 0 || [key, value].some((s) => s === '%00' || s.length > 2048),
      })),
  );
  arbs.push(
    fc.constantFrom(...Array.from({ length: 60 }, (_, i) => i)).map((n) => ({
      kind: 'query.too-many',
      detail: `${51 + n} parameters`,
      target: `${base}?${Array.from({ length: 51 + n }, (_, i) => `k${i}=1`).join('&')}`,
      mustRefuse: true,
    })),
  );
  return arbs;
}

/** [what, raw encoded value, documented as refused]. */
function queryValues(p: Parameter): Array<[string, string, boolean]> {
  const s = p.schema;
  const typed = s.type !== 'string' || !!s.enum || !!s.format || p.name === 'cursor';
  const out: Array<[string, string, boolean]> = [
    ['NUL', 'a%00b', true],
    // Decoded to U+FFFD (invalid UTF-8 in a query is not an unpaired surrogate): refused where typed.
    ['lone surrogate', LONE_SURROGATE_BYTES, typed],
    ['3000 characters', 'q'.repeat(3000), true],
    ['RTL', '%E2%80%AE', false],
    ['traversal', '..%2f..%2f', typed],
    ['bare percent', '%', false],
    ['empty', '', false],
  ];
  if (s.type === 'number' || s.type === 'integer') {
    for (const v of ['abc', 'NaN', 'Infinity', '-1', '1e3', '0x10']) out.push([v, v, true]);
    if (s.minimum !== undefined) out.push([`minimum-1`, String(s.minimum - 1), true]);
    if (s.maximum !== undefined) out.push([`maximum+1`, String(s.maximum + 1), true]);
    for (const v of ['1.5', '%201', '01', '9007199254740993']) out.push([v, v, false]);
  }
  if (s.enum?.length) {
    out.push(['not in the enum', `${encodeForTarget(String(s.enum[0]))}x`, true]);
    out.push(['enum upper-cased', encodeForTarget(String(s.enum[0]).toUpperCase()), true]);
  }
  if (s.format === 'date-time') for (const v of ['yesterday', '2026-13-01T00:00:00Z', '2026-02-30T00:00:00Z', '1e20']) out.push([v, v, true]);
  if (p.name === 'cursor') for (const v of ['garbage', 'eyJpZCI6MX0', '%00%00', 'A'.repeat(2000)]) out.push([`cursor ${v.slice(0, 12)}`, v, true]);
  return out;
}

/** Malformed Idempotency-Key values (the header is documented on every customer mutation). */
const BAD_IDEMPOTENCY_KEYS: Array<[string, string]> = [
  ['256 characters', 'k'.repeat(256)],
  ['space', 'a b'],
  ['tab', 'a\tb'],
  ['latin-1 byte', 'cl\u00e9'],
  ['DEL', 'a\u007fb'],
];

/**
 * Everything the fuzzer sends to one operation, as one arbitrary: bodies for operations that
 * may carry one, hostile path and query values for all, malformed idempotency keys where the
 * operation documents the header.
 */
export function badRequests(op: FuzzOperation, ids: Record<string, string> = {}): fc.Arbitrary<FuzzCase> {
  const arbs: fc.Arbitrary<FuzzCase>[] = [];
  const target = basePath(op, ids);
  if (op.method !== 'GET' && !op.multipartBody) {
    arbs.push(
      jsonBodyCases(op).map((c) => ({
        kind: c.kind,
        detail: c.detail,
        target,
        headers: { 'Content-Type': c.contentType ?? JSON_TYPE },
        body: c.body,
        mustRefuse: c.mustRefuse,
      })),
    );
  }
  if (op.multipartBody) arbs.push(multipartCases(op));
  for (const t of targetCases(op, ids)) {
    arbs.push(t.map((c) => ({ ...c, headers: {}, body: null })));
  }
  if (op.parameters.some((p) => p.in === 'header' && p.name === 'Idempotency-Key')) {
    arbs.push(
      fc.constantFrom(...BAD_IDEMPOTENCY_KEYS).map(([what, key]) => ({
        kind: 'header.idempotency-key',
        detail: what,
        target,
        headers: { 'Idempotency-Key': key },
        body: null,
        mustRefuse: true,
      })),
    );
  }
  return fc.oneof(...arbs);
}

export const MULTIPART_BOUNDARY = 'fuzzBoundary0q9w8e7r';

export interface FormPart {
  name: string;
  value: Buffer;
  filename?: string;
  contentType?: string;
}

export function formBody(parts: FormPart[], boundary = MULTIPART_BOUNDARY): Buffer {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disposition = p.filename !== undefined ? `form-data; name="${p.name}"; filename="${p.filename}"` : `form-data; name="${p.name}"`;
    const type = p.contentType ? `\r\nContent-Type: ${p.contentType}` : '';
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}${type}\r\n\r\n`, 'utf8'));
    chunks.push(p.value);
    chunks.push(Buffer.from('\r\n', 'latin1'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`, 'latin1'));
  return Buffer.concat(chunks);
}

/** A small well-formed PDF (a real cross-reference table): the upload accepts it, so each case differs from success by one change. */
export function validPdf(): Buffer {
  return pdfBytes(200);
}

/** The documented form (fields from the schema, the binary field as a PDF file) and one change to it. */
function multipartCases(op: FuzzOperation): fc.Arbitrary<FuzzCase> {
  const schema = op.multipartBody!;
  const required = new Set(schema.required ?? []);
  const fields = Object.entries(schema.properties ?? {});
  const fileField = fields.find(([, s]) => s.format === 'binary')?.[0] ?? 'file';
  const textFields = fields.filter(([name]) => name !== fileField && required.has(name));
  const baseParts = (): FormPart[] => [
    ...textFields.map(([name, s]) => ({ name, value: Buffer.from(String(sampleOf(s)), 'utf8') })),
    { name: fileField, filename: 'a.pdf', contentType: 'application/pdf', value: validPdf() },
  ];
  const headers = { 'Content-Type': `multipart/form-data; boundary=${MULTIPART_BOUNDARY}` };
  const form = (kind: string, detail: string, parts: FormPart[], mustRefuse: boolean, boundary = MULTIPART_BOUNDARY): FuzzCase => ({
    kind,
    detail,
    target: basePath(op),
    headers: boundary === MULTIPART_BOUNDARY ? headers : { 'Content-Type': `multipart/form-data; boundary=${boundary}` },
    body: formBody(parts, MULTIPART_BOUNDARY),
    mustRefuse,
  });
  const allFields = fields.map(([name]) => name);
  const arbs: fc.Arbitrary<FuzzCase>[] = [
    fc.constantFrom(...allFields.filter((f) => required.has(f))).map((f) =>
      form('multipart.missing-field', `without ${f}`, baseParts().filter((p) => p.name !== f), true),
    ),
    fc.constantFrom(...allFields).map((f) => {
      const parts = baseParts();
      const extra = parts.find((p) => p.name === f) ?? { name: f, value: Buffer.from('x') };
      return form('multipart.duplicate-field', `${f} twice`, [extra, ...parts], true);
    }),
    fc.constantFrom('zz_extra', '__proto__', 'constructor', '', 'type[]', 'file\u0000').map((name) =>
      form('multipart.extra-field', `extra ${JSON.stringify(name)}`, [{ name, value: Buffer.from('1') }, ...baseParts()], true),
    ),
    fc
      .tuple(fc.constantFrom(...textFields.map(([n]) => n)), fc.oneof(stringFrom(INVALID_STRINGS).map((v) => ({ v, invalid: true })), anyHostileString.map((v) => ({ v, invalid: true }))))
      .map(([name, { v: [what, value], invalid }]) =>
        form(
          'multipart.hostile-field',
          `${name} = ${what}`,
          baseParts().map((p) => (p.name === name ? { ...p, value: Buffer.from(value, 'utf8') } : p)),
          // Every text field of the upload is an enum or an id: no hostile string names one.
          invalid,
        ),
      ),
    fc.constantFrom(...HOSTILE_STRINGS, ...INVALID_STRINGS.slice(0, 3), ['quote', 'a"; name="type'] as [string, string]).map(([what, filename]) =>
      form(
        'multipart.hostile-filename',
        `filename = ${what}`,
        baseParts().map((p) => (p.name === fileField ? { ...p, filename } : p)),
        false,
      ),
    ),
    fc
      .constantFrom<[string, Buffer, boolean]>(
        ['empty file', Buffer.alloc(0), true],
        ['HTML', Buffer.from('<html><script>alert(1)</script></html>'), true],
        ['PDF header only', Buffer.from('%PDF-1.7\n'), true],
        ['NUL bytes', Buffer.alloc(2048), true],
        ['boundary inside content', Buffer.from(`%PDF-1.7\n--${MULTIPART_BOUNDARY}\r\n`), true],
      )
      .map(([what, value, invalid]) =>
        form('multipart.bad-file', what, baseParts().map((p) => (p.name === fileField ? { ...p, value } : p)), invalid),
      ),
    fc.constantFrom('', 'x'.repeat(71), 'other', '"unterminated').map((boundary) =>
      form('multipart.bad-boundary', `boundary ${JSON.stringify(boundary.slice(0, 12))}`, baseParts(), true, boundary || ' '),
    ),
  ];
  return fc.oneof(...arbs);
}
