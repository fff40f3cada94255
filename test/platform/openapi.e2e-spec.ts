import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { OPERATION_ID_PATTERN } from '../../src/app/openapi/conventions';
import { startTestApp, TEST_ADMIN_TOKEN, type TestApp } from '../support/test-app';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '..', '..');
const bin = (path: string) => join(ROOT, 'node_modules', path);
/** Tools run on the Node that runs the tests (the Node 24 CI run checks them on 24). */
const node = (args: string[], cwd = ROOT) =>
  run(process.execPath, args, {
    cwd,
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
    maxBuffer: 32 * 1024 * 1024,
  });

type Operation = {
  operationId: string;
  security?: Record<string, string[]>[];
  responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }>; headers?: Record<string, unknown> }>;
};
type Document = {
  servers: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, Record<string, string>> };
};

/** The program a partner would write against the generated types: three operations and an error. */
const CLIENT_PROGRAM = `
import type { components, operations } from './schema';

type ApiError = components['schemas']['Error'];
type Json<O extends keyof operations, S extends keyof operations[O]['responses']> =
  operations[O]['responses'][S] extends { content: { 'application/json': infer B } } ? B : never;

async function call<T>(base: string, key: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(base + path, {
    method,
    headers: { authorization: 'Bearer ' + key, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) {
    const failure = (await res.json()) as ApiError;
    throw new Error(failure.error.code + ' (' + failure.error.request_id + '): ' + failure.error.message + (failure.error.param ? ' [' + failure.error.param + ']' : ''));
  }
  return (await res.json()) as T;
}

export async function main(base: string, key: string): Promise<string> {
  const account = await call<Json<'getAccount', 200>>(base, key, 'GET', '/v1/account');
  const query: NonNullable<operations['listCdrs']['parameters']['query']> = { limit: 10, direction: 'inbound' };
  const page = await call<Json<'listCdrs', 200>>(base, key, 'GET', '/v1/cdrs?limit=' + query.limit + '&direction=' + query.direction);
  const first: components['schemas']['Cdr'] | undefined = page.data[0];
  const request: components['schemas']['UpdateAccountRequest'] = { name: account.name + ' (synced)' };
  try {
    await call<Json<'updateAccount', 200>>(base, key, 'PATCH', '/v1/account', request);
  } catch (error) {
    return 'refused: ' + (error as Error).message;
  }
  return account.id + ' ' + page.has_more + ' ' + (first?.from ?? 'none');
}
`;

/** The same calls with a field that does not exist: must NOT type-check, or the types are `any`. */
const WRONG_PROGRAM = `
import type { operations } from './schema';
type Page = operations['listCdrs']['responses'][200]['content']['application/json'];
export const total = (page: Page): number => page.total_count;
`;

describe('OpenAPI document', () => {
  let t: TestApp;
  let doc: Document;
  let dir: string;
  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ path, method, op })));

  beforeAll(async () => {
    t = await startTestApp();
    dir = mkdtempSync(join(tmpdir(), 'didhub-openapi-'));
    const res = await t.http().get('/docs/openapi.json').expect(200);
    doc = JSON.parse(res.text) as Document;
    // What the walk-through's browser gets from https://localhost:3443/docs: linted and typed as served.
    const served = await t.http().get('/docs/openapi.json').set('Host', `localhost:${new URL(t.url).port}`).expect(200);
    writeFileSync(join(dir, 'openapi.json'), served.text);
    const operator = await t.http().get('/docs/admin/openapi.json').set('Authorization', `Bearer ${TEST_ADMIN_TOKEN}`).expect(200);
    writeFileSync(join(dir, 'operator.json'), operator.text);
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("points Swagger UI's Try it out at the origin the document was fetched from, or at PUBLIC_API_URL", async () => {
    expect(doc.servers).toEqual([{ url: t.url }]);
    const viaName = await t.http().get('/docs/openapi.json').set('Host', `localhost:${new URL(t.url).port}`).expect(200);
    expect(JSON.parse(viaName.text).servers).toEqual([{ url: `https://localhost:${new URL(t.url).port}` }]);
    const staging = await startTestApp({ env: { PUBLIC_API_URL: 'https://api.staging.example' } });
    try {
      const res = await staging.http().get('/docs/openapi.json').expect(200);
      expect(JSON.parse(res.text).servers).toEqual([{ url: 'https://api.staging.example' }]);
    } finally {
      await staging.close();
    }
  });

  it('gives every operation a unique, resource-style camelCase id', () => {
    const ids = operations().map(({ op }) => op.operationId);
    expect(ids.filter((id) => !OPERATION_ID_PATTERN.test(id))).toEqual([]);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    expect(ids).toEqual(expect.arrayContaining(['listCdrs', 'getCdr', 'exportCdrs', 'createApiKey', 'listApiKeys', 'revokeApiKey', 'getAccount', 'updateAccount', 'logIn']));
  });

  it('names schemas without Dto/Response suffixes and describes the API key scheme truthfully', () => {
    const names = Object.keys(doc.components.schemas);
    expect(names.filter((n) => /Dto$|Response$/.test(n))).toEqual([]);
    expect(names).toEqual(expect.arrayContaining(['Error', 'Cdr', 'CdrList', 'ApiKey', 'CreatedApiKey', 'LoginRequest']));
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'didhub_live_…' });
    expect(JSON.stringify(doc)).not.toContain('JWT');
  });

  it('declares the Error schema on every 4xx/5xx response, and 429 with Retry-After and RateLimit headers', () => {
    const bare = [];
    for (const { path, method, op } of operations()) {
      for (const [status, response] of Object.entries(op.responses)) {
        if (!/^[45]/.test(status)) continue;
        if (response.content?.['application/json']?.schema.$ref !== '#/components/schemas/Error') bare.push(`${method} ${path} ${status}`);
        if (status === '429' && !(response.headers?.['Retry-After'] && response.headers?.RateLimit)) bare.push(`${method} ${path} 429 headers`);
      }
    }
    expect(bare).toEqual([]);
  });

  it('derives security and auth errors from the route declaration: customer routes 401/403/429, idempotent mutations 409/422', () => {
    const byId = Object.fromEntries(operations().map(({ op }) => [op.operationId, op]));
    expect(byId.listCdrs.security).toEqual([{ bearer: [] }, { didhub_sid: [] }]);
    expect(Object.keys(byId.listCdrs.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '403', '429']));
    expect(byId.listApiKeys.security).toEqual([{ didhub_sid: [] }]);
    expect(byId.createApiKey.responses).toEqual(expect.objectContaining({ 401: expect.anything(), 409: expect.anything(), 422: expect.anything(), 429: expect.anything() }));
    expect(byId.logIn.security).toEqual([]);
    expect(byId.getHealth.responses['429']).toBeUndefined();
    // The two recommended lint rules switched off in redocly.yaml, checked exactly here instead.
    const noSuccess = operations().filter(({ op }) => !Object.keys(op.responses).some((s) => /^2/.test(s))).map(({ op }) => op.operationId);
    expect(noSuccess.sort()).toEqual(['completeOAuth', 'startOAuth']);
    const noClientError = operations().filter(({ op }) => !Object.keys(op.responses).some((s) => /^4/.test(s))).map(({ op }) => op.operationId);
    expect(noClientError.sort()).toEqual(['getHealth', 'getReadiness']);
  });

  it('passes redocly lint over the whole document, and the operator document, with 0 errors and 0 warnings', async () => {
    for (const file of ['openapi.json', 'operator.json']) {
      const { stdout } = await node([bin('@redocly/cli/bin/cli.js'), 'lint', '--config', join(ROOT, 'redocly.yaml'), '--format=json', join(dir, file)]);
      const report = JSON.parse(stdout.slice(stdout.indexOf('{'))) as { totals: { errors: number; warnings: number }; problems: unknown[] };
      expect({ file, problems: report.problems }).toEqual({ file, problems: [] });
      expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
    }
  }, 240_000);

  it('generates a typed client with openapi-typescript that type-checks a program calling three operations and handling an error', async () => {
    await node([bin('openapi-typescript/bin/cli.js'), join(dir, 'openapi.json'), '-o', join(dir, 'schema.d.ts')]);
    writeFileSync(join(dir, 'client.ts'), CLIENT_PROGRAM);
    writeFileSync(join(dir, 'wrong.ts'), WRONG_PROGRAM);
    // One strict type-check of both files with the project's TypeScript (fetch comes from @types/node).
    const program = ts.createProgram([join(dir, 'client.ts'), join(dir, 'wrong.ts')], {
      noEmit: true,
      strict: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      lib: ['lib.es2022.d.ts'],
      types: ['node'],
      typeRoots: [bin('@types')],
    });
    const problems = (file: string) =>
      ts.getPreEmitDiagnostics(program, program.getSourceFile(join(dir, file))).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(problems('client.ts')).toEqual([]);
    expect(problems('wrong.ts')).toEqual([expect.stringContaining("Property 'total_count' does not exist")]);
  }, 240_000);
});
