import type { PrismaService } from '../../../src/platform/database/prisma.service';
import type { Answer } from './exchange';

const ERROR_TYPES = new Set(['invalid_request_error', 'authentication_error', 'permission_error', 'rate_limit_error', 'idempotency_error', 'api_error']);

/**
 * What is wrong with one answer, per the promises every request gets: never a 5xx, always an
 * answer (unless `mayClose`: we cut the body and hung up), within the bound, and every 4xx in
 * the error format with the request id that X-Request-Id carries.
 */
export function answerProblems(answer: Answer, options: { mustRefuse: boolean; mayClose?: boolean; withinMs: number }): string[] {
  const problems: string[] = [];
  if (answer.status === null) {
    if (answer.ended === 'timeout') problems.push('no answer in time');
    else if (!options.mayClose) problems.push('connection dropped without an answer');
    return problems;
  }
  if (answer.status >= 500) problems.push(`server error ${answer.status}`);
  if (options.mustRefuse && answer.status < 400) problems.push(`accepted (${answer.status})`);
  if (answer.ms > options.withinMs) problems.push(`slow (${Math.round(answer.ms)} ms)`);
  if (answer.status >= 400 && answer.status < 500) problems.push(...errorFormatProblems(answer));
  return problems;
}

function errorFormatProblems(answer: Answer): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.body.toString('utf8'));
  } catch {
    return [`${answer.status} without a JSON error body`];
  }
  const error = (parsed as { error?: Record<string, unknown> })?.error;
  if (!error || typeof error !== 'object') return [`${answer.status} not in the error format`];
  const problems: string[] = [];
  if (!ERROR_TYPES.has(error.type as string)) problems.push(`error.type ${JSON.stringify(error.type)}`);
  if (typeof error.code !== 'string' || !/^[a-z_]+$/.test(error.code)) problems.push(`error.code ${JSON.stringify(error.code)}`);
  if (typeof error.message !== 'string' || !error.message) problems.push('error.message missing');
  if (typeof error.request_id !== 'string' || !error.request_id.startsWith('req_')) problems.push(`error.request_id ${JSON.stringify(error.request_id)}`);
  else if (answer.headers['x-request-id'] !== error.request_id) problems.push('error.request_id differs from X-Request-Id');
  return problems;
}

/**
 * Tables a refusal may write to, by design: a wrong password or code is recorded and counted
 * (login history, lock-out throttles) whatever the outcome. Anything else a refused request
 * leaves behind is a finding.
 */
export const WRITTEN_BY_REFUSALS = new Set(['login_attempts', 'login_throttles']);

/**
 * Tables background work writes while the fuzzer runs, whatever the request: a retention run an
 * earlier (accepted) request started records its `retention.run_completed` event when it ends.
 * Events are written only in the transaction of the change they record, so a refused request
 * that changed nothing cannot leave one; the change's own table would show it.
 */
export const WRITTEN_IN_BACKGROUND = new Set(['events', 'webhook_deliveries', 'webhook_attempts']);

export class RowCounter {
  private constructor(
    private readonly prisma: PrismaService,
    private readonly sql: string,
  ) {}

  /** Every table of the schema (migrations' bookkeeping aside), counted in one statement. */
  static async create(prisma: PrismaService): Promise<RowCounter> {
    const tables = await prisma.$queryRawUnsafe<{ name: string }[]>(
      `SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename <> '_prisma_migrations' ORDER BY 1`,
    );
    if (tables.length < 10) throw new Error(`expected the app's tables, found ${tables.map((t) => t.name).join(', ')}`);
    const columns = tables.map(({ name }) => `'${name}', (SELECT count(*) FROM "${name}")`).join(', ');
    return new RowCounter(prisma, `SELECT json_build_object(${columns})::text AS counts`);
  }

  async counts(): Promise<Record<string, number>> {
    const [row] = await this.prisma.$queryRawUnsafe<{ counts: string }[]>(this.sql);
    return JSON.parse(row.counts) as Record<string, number>;
  }
}

/** Tables whose row count changed, outside those refusals write by design. */
export function leftBehind(before: Record<string, number>, after: Record<string, number>): string[] {
  return Object.keys(after)
    .filter((table) => after[table] !== before[table] && !WRITTEN_BY_REFUSALS.has(table) && !WRITTEN_IN_BACKGROUND.has(table))
    .map((table) => `${table} ${before[table]} → ${after[table]}`);
}
