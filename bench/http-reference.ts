import 'reflect-metadata';
import { createHash, createHmac } from 'node:crypto';
import { Controller, Get, Headers, HttpException, Module, Query } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Pool } from 'pg';

/**
 * bench/http.ts's reference: GET /v1/cdrs?limit=N (and GET /v1/account) written by hand on Nest + express with raw
 * `pg`, answering the same JSON, byte for byte, as the app for a bearer API key. What it does
 * per request is what the endpoint needs and no more: an HMAC of the key, one indexed lookup
 * of the key joined with its account (revoked, expired, closed, scope), an in-memory
 * per-account counter, one keyset query, the mapping to the API's field names and the signed
 * next_cursor. Both statements are named (prepared once per connection), as a hand-written hot
 * path would have them. It has none of the app's cross-cutting work (request ids, logs,
 * security headers, CORS, shared rate limits, errors in the API format, filters, cursors in).
 *
 * GET /v1/account is the same key lookup with the account's fields and its JSON, nothing else:
 * what one authenticated query costs by hand, for context beside the app's account endpoint.
 *
 * Environment: PORT, DATABASE_URL, API_KEY_PEPPER, SESSION_SECRET (the cursor key derives from it).
 */
const pool = new Pool({ connectionString: process.env.DATABASE_URL });
pool.on('error', () => undefined);
const pepper = process.env.API_KEY_PEPPER!;
const cursorKey = createHmac('sha256', process.env.SESSION_SECRET!).update('didhub:cursor-key').digest('base64');
// The cursor is bound to the account and the filters; with no filters that part is a constant.
const noFilters = createHash('sha256').update(JSON.stringify([null, null, null, null, null])).digest('base64url').slice(0, 16);
const READS_PER_MINUTE = 1_000_000;

const KEY_LOOKUP = {
  name: 'ref_key',
  text: `SELECT k.account_id, k.scopes, k.expires_at, k.revoked_at, a.status
         FROM api_keys k JOIN accounts a ON a.id = k.account_id WHERE k.key_hash = $1`,
};
const ACCOUNT_KEY_LOOKUP = {
  name: 'ref_account_key',
  text: `SELECT k.account_id, k.scopes, k.expires_at, k.revoked_at, a.status, a.name, a.api_keys_enabled, a.created_at
         FROM api_keys k JOIN accounts a ON a.id = k.account_id WHERE k.key_hash = $1`,
};
const PAGE = {
  name: 'ref_page',
  text: `SELECT id, direction, from_number, to_number, started_at, answered_at, ended_at, duration_seconds,
           billable_seconds, status, cost::text AS cost, currency, number_id, external_id
         FROM cdrs WHERE account_id = $1 ORDER BY started_at DESC, id DESC LIMIT $2`,
};

interface KeyRow {
  account_id: string;
  scopes: string[];
  expires_at: Date | null;
  revoked_at: Date | null;
  status: string;
}

interface CdrRow {
  id: string;
  direction: string;
  from_number: string;
  to_number: string;
  started_at: Date;
  answered_at: Date | null;
  ended_at: Date;
  duration_seconds: number;
  billable_seconds: number;
  status: string;
  cost: string;
  currency: string;
  number_id: string | null;
  external_id: string;
}

const counters = new Map<string, { windowStart: number; used: number }>();

function spend(accountId: string): boolean {
  const now = Date.now();
  let counter = counters.get(accountId);
  if (!counter || now - counter.windowStart >= 60_000) {
    counter = { windowStart: now, used: 0 };
    counters.set(accountId, counter);
  }
  return ++counter.used <= READS_PER_MINUTE;
}

function refuse(status: number, code: string): never {
  throw new HttpException({ error: { code } }, status);
}

function cursorFor(accountId: string, row: CdrRow): string {
  const payload = Buffer.from(JSON.stringify([row.started_at.toISOString(), row.id])).toString('base64url');
  const tag = createHmac('sha256', cursorKey).update(`cursor:cdrs:${accountId}:${noFilters}:${payload}`).digest('base64url').slice(0, 22);
  return `${payload}.${tag}`;
}

/** The bearer key's row (with its account), or 401 when it is missing, revoked, expired or its account closed; one counter unit spent. */
async function authenticated<T extends KeyRow>(authorization: string | undefined, lookup: { name: string; text: string }): Promise<T> {
  const match = authorization ? /^Bearer (didhub_live_[0-9A-Za-z]{46})$/.exec(authorization) : null;
  if (!match) refuse(401, 'unauthenticated');
  const hash = createHmac('sha256', pepper).update(match[1]).digest('hex');
  const { rows } = await pool.query<T>({ ...lookup, values: [hash] });
  const key = rows[0];
  if (!key || key.revoked_at || key.status !== 'active' || (key.expires_at && key.expires_at.getTime() <= Date.now())) {
    refuse(401, 'unauthenticated');
  }
  if (!spend(key.account_id)) refuse(429, 'rate_limited');
  return key;
}

@Controller('v1/cdrs')
class CdrsController {
  @Get()
  async list(@Headers('authorization') authorization: string | undefined, @Query('limit') rawLimit: string | undefined) {
    const key = await authenticated<KeyRow>(authorization, KEY_LOOKUP);
    if (!key.scopes.includes('*') && !key.scopes.includes('cdrs:read')) refuse(403, 'forbidden');

    const limit = rawLimit === undefined ? 20 : Number(rawLimit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) refuse(400, 'parameter_invalid');
    const { rows } = await pool.query<CdrRow>({ ...PAGE, values: [key.account_id, limit + 1] });
    const hasMore = rows.length > limit;
    const page = hasMore ? rows.slice(0, limit) : rows;
    return {
      object: 'list',
      data: page.map((r) => ({
        object: 'cdr',
        id: r.id,
        direction: r.direction,
        from: r.from_number,
        to: r.to_number,
        started_at: r.started_at.toISOString(),
        answered_at: r.answered_at ? r.answered_at.toISOString() : null,
        ended_at: r.ended_at.toISOString(),
        duration_seconds: r.duration_seconds,
        billable_seconds: r.billable_seconds,
        status: r.status,
        cost: r.cost,
        currency: r.currency,
        number_id: r.number_id,
        external_id: r.external_id,
      })),
      has_more: hasMore,
      next_cursor: hasMore ? cursorFor(key.account_id, page[page.length - 1]) : null,
    };
  }
}

interface AccountKeyRow extends KeyRow {
  name: string;
  api_keys_enabled: boolean;
  created_at: Date;
}

@Controller('v1/account')
class AccountController {
  @Get()
  async get(@Headers('authorization') authorization: string | undefined) {
    const key = await authenticated<AccountKeyRow>(authorization, ACCOUNT_KEY_LOOKUP);
    return {
      id: key.account_id,
      object: 'account',
      name: key.name,
      status: key.status,
      api_keys_enabled: key.api_keys_enabled,
      created_at: key.created_at.toISOString(),
    };
  }
}

@Module({ controllers: [CdrsController, AccountController] })
class ReferenceModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create<NestExpressApplication>(ReferenceModule, { logger: ['error', 'warn'] });
  await app.listen(Number(process.env.PORT), '127.0.0.1');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
