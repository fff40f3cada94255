import { Injectable } from '@nestjs/common';
import { apiError } from '../../platform/errors/api-error';
import { isIdOf, newId } from '../../platform/ids/ids';
import { CursorCodec } from '../../platform/pagination/cursor';
import { type ListResponse, toListPage } from '../../platform/pagination/list';
import { bundleRequired, requirementSetFor } from '../../compliance/requirements/requirements';
import type { AssignNumberDto } from './dto/number.dto';
import { NumberErrors } from './numbers-errors';
import { EventPublisher } from '../../events/events/event-publisher';
import { type LockedBundle, type NumberRow, NumbersRepository } from './numbers.repository';
import { type PhoneNumberFacts, phoneNumberFacts } from './phone-number-facts';

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
    private readonly events: EventPublisher,
  ) {}

  /**
   * The rules follow what the number is (its numbering plan), not what the client says it is:
   * a declared country or type only has to agree.
   */
  async assign(accountId: string, dto: AssignNumberDto): Promise<NumberResponse> {
    const number = classify(dto);
    const needed = bundleRequired(number.country, number.numberType);
    if (needed && !dto.bundle_id) {
      throw NumberErrors.bundleRequired([
        {
          requirement: 'bundle',
          reason: `${number.country} ${number.numberType} numbers need an approved bundle (bundle_id); see GET /v1/compliance/requirements?country=${number.country}&number_type=${number.numberType}.`,
        },
      ]);
    }
    const result = await this.repository.assign(
      { id: newId('number'), accountId, e164: number.e164, country: number.country, numberType: number.numberType, bundleId: dto.bundle_id ?? null },
      (bundle) => (dto.bundle_id ? bundleProblem(bundle, number, needed) : null),
      (tx, row) => this.events.publish(tx, { type: 'number.assigned', accountId, resourceId: row.id, data: { number_id: row.id, country: row.country, number_type: row.numberType, bundle_id: row.bundleId, status: 'active' } }),
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
    const at = new Date();
    const released = await this.repository.release(accountId, id, at, (tx) =>
      this.events.publish(tx, { type: 'number.released', accountId, resourceId: id, data: { number_id: id, status: 'released', released_at: at.toISOString() } }),
    );
    if (!released) throw NumberErrors.alreadyReleased();
    return toNumberResponse(await this.findRow(accountId, id));
  }

  private async findRow(accountId: string, id: string): Promise<NumberRow> {
    const row = isIdOf('number', id) ? await this.repository.find(accountId, id) : null;
    if (!row) throw NumberErrors.notFound();
    return row;
  }
}

/** The number's own country and type; 400 when it has none we sell or the declaration disagrees. */
function classify(dto: AssignNumberDto): PhoneNumberFacts {
  const facts = phoneNumberFacts(dto.e164);
  if ('problem' in facts) {
    if (facts.problem === 'not_canonical') throw NumberErrors.notCanonical(facts.canonical);
    if (facts.problem === 'unsupported_type') throw NumberErrors.unsupportedType(facts.kind);
    throw NumberErrors.invalidNumber();
  }
  if (dto.country != null && dto.country !== facts.country) throw NumberErrors.countryMismatch(dto.country, facts.country);
  if (dto.number_type != null && dto.number_type !== facts.numberType) throw NumberErrors.numberTypeMismatch(dto.number_type, facts.numberType);
  return facts;
}

/** Why this bundle cannot back the number, or null when it can. */
function bundleProblem(bundle: LockedBundle | null, number: PhoneNumberFacts, needed: boolean): Error | null {
  if (!bundle) {
    return needed
      ? NumberErrors.bundleRequired([{ requirement: 'bundle', reason: 'No such bundle in this account.' }])
      : apiError(404, 'resource_missing', 'No such bundle.', { param: 'bundle_id' });
  }
  const missing: { requirement: string; reason: string }[] = [];
  if (bundle.status !== 'approved') missing.push({ requirement: 'bundle_status', reason: `The bundle is ${bundle.status}; it must be approved.` });
  if (bundle.country !== number.country) missing.push({ requirement: 'bundle_country', reason: `The bundle is for ${bundle.country}, not ${number.country}.` });
  if (bundle.numberType !== number.numberType) {
    missing.push({ requirement: 'bundle_number_type', reason: `The bundle is for ${bundle.numberType} numbers, not ${number.numberType}.` });
  }
  if (needed && !requirementSetFor(number.country, number.numberType, bundle.endUserType)) {
    missing.push({ requirement: 'end_user_type', reason: `${bundle.endUserType} end-users cannot hold ${number.country} ${number.numberType} numbers.` });
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
