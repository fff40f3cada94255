import { Injectable } from '@nestjs/common';
import { apiError } from '../common/errors/api-error';
import { isIdOf, newId } from '../common/ids/ids';
import { CursorCodec } from '../common/pagination/cursor';
import { type ListResponse, toListPage } from '../common/pagination/list';
import { bundleRequired, requirementSetFor } from '../compliance/requirements/requirements';
import type { AssignNumberDto } from './dto/number.dto';
import { NumberErrors } from './numbers-errors';
import { type LockedBundle, type NumberRow, NumbersRepository } from './numbers.repository';

/** Country calling codes of the countries with requirements, to catch a number filed under the wrong country. */
const CALLING_CODES: Readonly<Record<string, string>> = { DE: '+49', GB: '+44', FR: '+33' };

export interface NumberResponse {
  id: string;
  object: 'number';
  e164: string;
  country: string;
  number_type: string;
  bundle_id: string | null;
  status: string;
  released_at: string | null;
  created_at: string;
}

@Injectable()
export class NumbersService {
  constructor(
    private readonly repository: NumbersRepository,
    private readonly cursors: CursorCodec,
  ) {}

  async assign(accountId: string, dto: AssignNumberDto): Promise<NumberResponse> {
    const code = CALLING_CODES[dto.country];
    if (code && !dto.e164.startsWith(code)) throw NumberErrors.countryMismatch(dto.country);
    const needed = bundleRequired(dto.country, dto.number_type);
    if (needed && !dto.bundle_id) {
      throw NumberErrors.bundleRequired([
        {
          requirement: 'bundle',
          reason: `${dto.country} ${dto.number_type} numbers need an approved bundle (bundle_id); see GET /v1/compliance/requirements?country=${dto.country}&number_type=${dto.number_type}.`,
        },
      ]);
    }
    const result = await this.repository.assign(
      { id: newId('number'), accountId, e164: dto.e164, country: dto.country, numberType: dto.number_type, bundleId: dto.bundle_id ?? null },
      (bundle) => (dto.bundle_id ? bundleProblem(bundle, dto, needed) : null),
    );
    if (result === 'taken') throw NumberErrors.alreadyAssigned();
    return toNumberResponse(result);
  }

  async list(accountId: string, query: { limit?: number; cursor?: string; status?: string }): Promise<ListResponse<NumberResponse>> {
    const limit = query.limit ?? 20;
    const scope = `numbers:${accountId}:${query.status ?? ''}`;
    const after = query.cursor ? this.cursors.decodePosition(scope, query.cursor) : null;
    const rows = await this.repository.list(accountId, { status: query.status }, after, limit);
    return toListPage(rows, limit, toNumberResponse, (r) => this.cursors.encodePosition(scope, r.createdAt, r.id));
  }

  async get(accountId: string, id: string): Promise<NumberResponse> {
    return toNumberResponse(await this.findRow(accountId, id));
  }

  async release(accountId: string, id: string): Promise<NumberResponse> {
    await this.findRow(accountId, id);
    if (!(await this.repository.release(accountId, id, new Date()))) throw NumberErrors.alreadyReleased();
    return toNumberResponse(await this.findRow(accountId, id));
  }

  private async findRow(accountId: string, id: string): Promise<NumberRow> {
    const row = isIdOf('number', id) ? await this.repository.find(accountId, id) : null;
    if (!row) throw NumberErrors.notFound();
    return row;
  }
}

/** Why this bundle cannot back the number, or null when it can. */
function bundleProblem(bundle: LockedBundle | null, dto: AssignNumberDto, needed: boolean): Error | null {
  if (!bundle) {
    return needed
      ? NumberErrors.bundleRequired([{ requirement: 'bundle', reason: 'No such bundle in this account.' }])
      : apiError(404, 'resource_missing', 'No such bundle.', { param: 'bundle_id' });
  }
  const missing: { requirement: string; reason: string }[] = [];
  if (bundle.status !== 'approved') missing.push({ requirement: 'bundle_status', reason: `The bundle is ${bundle.status}; it must be approved.` });
  if (bundle.country !== dto.country) missing.push({ requirement: 'bundle_country', reason: `The bundle is for ${bundle.country}, not ${dto.country}.` });
  if (bundle.numberType !== dto.number_type) {
    missing.push({ requirement: 'bundle_number_type', reason: `The bundle is for ${bundle.numberType} numbers, not ${dto.number_type}.` });
  }
  if (needed && !requirementSetFor(dto.country, dto.number_type, bundle.endUserType)) {
    missing.push({ requirement: 'end_user_type', reason: `${bundle.endUserType} end-users cannot hold ${dto.country} ${dto.number_type} numbers.` });
  }
  return missing.length ? NumberErrors.bundleRequired(missing) : null;
}

export function toNumberResponse(row: NumberRow): NumberResponse {
  return {
    id: row.id,
    object: 'number',
    e164: row.e164,
    country: row.country,
    number_type: row.numberType,
    bundle_id: row.bundleId,
    status: row.status,
    released_at: row.releasedAt?.toISOString() ?? null,
    created_at: row.createdAt.toISOString(),
  };
}
