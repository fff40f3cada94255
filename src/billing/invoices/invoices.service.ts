import { Injectable } from '@nestjs/common';
import { requireManager } from '../../identity/accounts/account-roles';
import type { SessionPrincipal } from '../../platform/request/principal';
import { CommonErrors } from '../../platform/errors/common-errors';
import { newId } from '../../platform/ids/ids';
import { CursorCodec } from '../../platform/pagination/cursor';
import { toListPage, type ListResponse } from '../../platform/pagination/list';
import { type CreateInvoiceDto, type InvoiceResponseDto, toInvoiceResponse } from './dto/invoice.dto';
import { InvoicesRepository } from './invoices.repository';

const CURSOR_SCOPE = 'invoices';

/**
 * Billing records: the operator records them, owners and admins read them. They survive the
 * account's anonymisation and are deleted by the retention job after their jurisdiction's
 * period (src/data-protection/retention/rules/billing-records.rule.ts).
 */
@Injectable()
export class InvoicesService {
  constructor(
    private readonly invoices: InvoicesRepository,
    private readonly cursors: CursorCodec,
  ) {}

  async record(input: CreateInvoiceDto): Promise<InvoiceResponseDto> {
    const periodStart = parseDate(input.period_start, 'period_start');
    const periodEnd = parseDate(input.period_end, 'period_end');
    if (periodEnd < periodStart) throw CommonErrors.invalidParam('period_end', 'period_end must not be before period_start.');
    const issuedAt = new Date(input.issued_at);
    if (Number.isNaN(issuedAt.getTime())) throw CommonErrors.invalidParam('issued_at', 'issued_at must be an ISO 8601 timestamp.');
    if (!(await this.invoices.accountExists(input.account_id))) {
      throw CommonErrors.invalidParam('account_id', 'account_id is not a known account.');
    }
    const row = await this.invoices.create({
      id: newId('invoice'),
      accountId: input.account_id,
      periodStart,
      periodEnd,
      amount: input.amount,
      currency: input.currency,
      jurisdiction: input.jurisdiction,
      issuedAt,
    });
    return toInvoiceResponse(row);
  }

  async list(principal: SessionPrincipal, limit = 20, cursor?: string): Promise<ListResponse<InvoiceResponseDto>> {
    requireManager(principal);
    const before = cursor ? this.cursors.decodePosition(CURSOR_SCOPE, cursor) : null;
    const rows = await this.invoices.list(principal.accountId, limit + 1, before ? { issuedAt: before.at, id: before.id } : null);
    return toListPage(rows, limit, toInvoiceResponse, (row) => this.cursors.encodePosition(CURSOR_SCOPE, row.issuedAt, row.id));
  }
}

function parseDate(value: string, param: string): Date {
  const date = new Date(`${value}T00:00:00.000Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) {
    throw CommonErrors.invalidParam(param, `${param} is not a valid date.`);
  }
  return date;
}
