import { Injectable } from '@nestjs/common';
import { encryptionContext, ENCRYPTED_FIELDS } from '../../platform/crypto/encrypted-fields';
import { EncryptionService } from '../../platform/crypto/encryption.service';
import { isIdOf, newId } from '../../platform/ids/ids';
import { CursorCodec } from '../../platform/pagination/cursor';
import { type ListResponse, toListPage } from '../../platform/pagination/list';
import { ComplianceErrors } from '../compliance-errors';
import type { EndUserFacts } from '../requirements/requirements';
import type { CreateEndUserDto, UpdateEndUserDto } from './dto/end-user.dto';
import { type EndUserColumns, type EndUserRow, EndUsersRepository } from './end-users.repository';

export interface EndUserResponse {
  id: string;
  object: 'end_user';
  type: string;
  first_name: string | null;
  last_name: string | null;
  date_of_birth: string | null;
  document_type: string | null;
  document_number_last4: string | null;
  business_name: string | null;
  registration_number: string | null;
  address: { street: string; city: string; region: string | null; postal_code: string; country: string };
  created_at: string;
  updated_at: string;
}

const INDIVIDUAL_ONLY = ['first_name', 'last_name', 'date_of_birth', 'document_type', 'document_number'] as const;
const BUSINESS_ONLY = ['business_name', 'registration_number'] as const;

type Input = Partial<Omit<CreateEndUserDto, 'type'>>;

@Injectable()
export class EndUsersService {
  constructor(
    private readonly repository: EndUsersRepository,
    private readonly encryption: EncryptionService,
    private readonly cursors: CursorCodec,
  ) {}

  async create(accountId: string, dto: CreateEndUserDto): Promise<EndUserResponse> {
    checkFieldsForType(dto.type, dto);
    const id = newId('endUser');
    const merged = { ...dto } as Input;
    checkComplete(dto.type, merged);
    const row = await this.repository.create(accountId, id, { type: dto.type, ...this.columns(id, dto, true) } as EndUserColumns);
    return this.toResponse(row);
  }

  async list(accountId: string, query: { limit?: number; cursor?: string }): Promise<ListResponse<EndUserResponse>> {
    const limit = query.limit ?? 20;
    const scope = `end_users:${accountId}`;
    const after = query.cursor ? this.cursors.decodePosition(scope, query.cursor) : null;
    const rows = await this.repository.list(accountId, after, limit);
    return toListPage(rows, limit, (r) => this.toResponse(r), (r) => this.cursors.encodePosition(scope, r.createdAt, r.id));
  }

  async get(accountId: string, id: string): Promise<EndUserResponse> {
    return this.toResponse(await this.findRow(accountId, id));
  }

  async update(accountId: string, id: string, dto: UpdateEndUserDto): Promise<EndUserResponse> {
    if (dto.type !== undefined) throw ComplianceErrors.typeImmutable();
    const current = await this.findRow(accountId, id);
    checkFieldsForType(current.type, dto);
    // Judge the end-user as it would be after the change, so PATCH cannot leave it half-filled.
    checkComplete(current.type, { ...presentFields(current), ...dto });
    const result = await this.repository.updateUnlocked(accountId, id, this.columns(id, dto, false));
    if ('lockedBy' in result) throw ComplianceErrors.endUserLocked(result.lockedBy);
    if ('missing' in result) throw ComplianceErrors.endUserNotFound();
    return this.toResponse(result.row);
  }

  async findRow(accountId: string, id: string, param?: string): Promise<EndUserRow> {
    const row = isIdOf('endUser', id) ? await this.repository.find(accountId, id) : null;
    if (!row) throw ComplianceErrors.endUserNotFound(param);
    return row;
  }

  /** The columns to write for the fields the request carries (all of them on create); null clears. */
  private columns(id: string, dto: Input, all: boolean): Partial<EndUserColumns> {
    const out: Partial<EndUserColumns> = {};
    const has = (k: keyof Input) => all || dto[k] !== undefined;
    const enc = (field: keyof typeof ENCRYPTED_FIELDS, v: string | null | undefined) =>
      v === null || v === undefined ? null : this.encryption.encryptString(v, encryptionContext(ENCRYPTED_FIELDS[field], id));
    if (has('first_name')) out.firstName = dto.first_name ?? null;
    if (has('last_name')) out.lastName = dto.last_name ?? null;
    if (has('date_of_birth')) out.dateOfBirthEnc = enc('endUserDateOfBirth', dto.date_of_birth);
    if (has('document_type')) out.documentType = dto.document_type ?? null;
    if (has('document_number')) {
      out.documentNumberEnc = enc('endUserDocumentNumber', dto.document_number);
      out.documentNumberLast4 = dto.document_number ? dto.document_number.replace(/[ -]/g, '').slice(-4) : null;
    }
    if (has('business_name')) out.businessName = dto.business_name ?? null;
    if (has('registration_number')) out.registrationNumberEnc = enc('endUserRegistrationNumber', dto.registration_number);
    if (has('address') && dto.address) {
      out.addressStreet = dto.address.street;
      out.addressCity = dto.address.city;
      out.addressRegion = dto.address.region ?? null;
      out.addressPostalCode = dto.address.postal_code;
      out.addressCountry = dto.address.country;
    } else if (!all && dto.address === null) {
      throw ComplianceErrors.fieldRequired('address', 'address cannot be removed.');
    }
    return out;
  }

  toResponse(row: EndUserRow): EndUserResponse {
    const dec = (field: keyof typeof ENCRYPTED_FIELDS, v: string | null) =>
      v === null ? null : this.encryption.decryptString(v, encryptionContext(ENCRYPTED_FIELDS[field], row.id));
    return {
      id: row.id,
      object: 'end_user',
      type: row.type,
      first_name: row.firstName,
      last_name: row.lastName,
      date_of_birth: dec('endUserDateOfBirth', row.dateOfBirthEnc),
      document_type: row.documentType,
      document_number_last4: row.documentNumberLast4,
      business_name: row.businessName,
      registration_number: dec('endUserRegistrationNumber', row.registrationNumberEnc),
      address: {
        street: row.addressStreet,
        city: row.addressCity,
        region: row.addressRegion,
        postal_code: row.addressPostalCode,
        country: row.addressCountry,
      },
      created_at: row.createdAt.toISOString(),
      updated_at: row.updatedAt.toISOString(),
    };
  }
}

function checkFieldsForType(type: string, dto: Input): void {
  const foreign = type === 'individual' ? BUSINESS_ONLY : INDIVIDUAL_ONLY;
  for (const field of foreign) {
    if (dto[field] !== undefined && dto[field] !== null) throw ComplianceErrors.fieldNotForType(field, type);
  }
}

function checkComplete(type: string, v: Input): void {
  const required = type === 'individual' ? (['first_name', 'last_name'] as const) : (['business_name'] as const);
  for (const field of required) {
    if (v[field] === undefined || v[field] === null) throw ComplianceErrors.fieldRequired(field, `${field} is required for ${type} end-users.`);
  }
  if (type === 'individual') {
    const hasType = v.document_type !== undefined && v.document_type !== null;
    const hasNumber = v.document_number !== undefined && v.document_number !== null;
    if (hasType && !hasNumber) throw ComplianceErrors.fieldRequired('document_number', 'document_number is required with document_type.');
    if (hasNumber && !hasType) throw ComplianceErrors.fieldRequired('document_type', 'document_type is required with document_number.');
  }
}

/** Stand-ins for the stored values (`true` where a value exists), so completeness can be judged without decrypting. */
export function presentFields(row: EndUserRow): Record<string, unknown> {
  return {
    first_name: row.firstName,
    last_name: row.lastName,
    date_of_birth: row.dateOfBirthEnc === null ? null : true,
    document_type: row.documentType,
    document_number: row.documentNumberEnc === null ? null : true,
    business_name: row.businessName,
    registration_number: row.registrationNumberEnc === null ? null : true,
  };
}

/** What requirement evaluation may know about an end-user: which fields hold a value, never the values. */
export function toEndUserFacts(row: EndUserRow): EndUserFacts {
  const present = new Set(
    Object.entries(presentFields(row))
      .filter(([, v]) => v !== null && v !== undefined)
      .map(([k]) => k),
  );
  return { id: row.id, type: row.type as EndUserFacts['type'], presentFields: present, addressCountry: row.addressCountry };
}
