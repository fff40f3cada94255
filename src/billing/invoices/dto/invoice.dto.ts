import { ApiProperty } from '@nestjs/swagger';
import { IsISO8601, IsString, Matches } from 'class-validator';
import { ListEnvelopeDto } from '../../../platform/pagination/list';
import type { InvoiceRow } from '../invoices.repository';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export class CreateInvoiceDto {
  @ApiProperty({ example: 'acct_4fQzT0bW9yXk2LmN8pRs1a' })
  @IsString()
  @Matches(/^acct_[0-9A-Za-z]{22}$/, { message: 'account_id must be an account id (acct_…)' })
  account_id: string;

  @ApiProperty({ format: 'date', example: '2026-10-01' })
  @IsString()
  @Matches(DATE, { message: 'period_start must be a date like 2026-10-01' })
  period_start: string;

  @ApiProperty({ format: 'date', example: '2026-10-31' })
  @IsString()
  @Matches(DATE, { message: 'period_end must be a date like 2026-10-31' })
  period_end: string;

  @ApiProperty({ example: '149.9000', description: 'Decimal string, up to 12 digits before and 4 after the point.' })
  @IsString()
  @Matches(/^-?\d{1,12}(\.\d{1,4})?$/, { message: 'amount must be a decimal string such as 149.90' })
  amount: string;

  @ApiProperty({ example: 'EUR' })
  @IsString()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as EUR' })
  currency: string;

  @ApiProperty({ example: 'DE', description: 'ISO 3166-1 alpha-2 country whose tax law sets how long the invoice is kept.' })
  @IsString()
  @Matches(/^[A-Z]{2}$/, { message: 'jurisdiction must be an ISO 3166-1 alpha-2 code such as DE' })
  jurisdiction: string;

  @ApiProperty({ format: 'date-time' })
  @IsString()
  @IsISO8601({ strict: true, strictSeparator: true }, { message: 'issued_at must be an ISO 8601 timestamp' })
  issued_at: string;
}

export class InvoiceResponseDto {
  @ApiProperty({ example: 'in_4fQzT0bW9yXk2LmN8pRs1a' }) id: string;
  @ApiProperty({ enum: ['invoice'] }) object: 'invoice';
  @ApiProperty() account_id: string;
  @ApiProperty({ format: 'date' }) period_start: string;
  @ApiProperty({ format: 'date' }) period_end: string;
  @ApiProperty({ example: '149.9000' }) amount: string;
  @ApiProperty() currency: string;
  @ApiProperty() jurisdiction: string;
  @ApiProperty({ format: 'date-time' }) issued_at: string;
}

export class InvoiceListResponseDto extends ListEnvelopeDto {
  @ApiProperty({ type: [InvoiceResponseDto] }) data: InvoiceResponseDto[];
}

export function toInvoiceResponse(row: InvoiceRow): InvoiceResponseDto {
  return {
    id: row.id,
    object: 'invoice',
    account_id: row.accountId,
    period_start: row.periodStart.toISOString().slice(0, 10),
    period_end: row.periodEnd.toISOString().slice(0, 10),
    amount: row.amount,
    currency: row.currency,
    jurisdiction: row.jurisdiction,
    issued_at: row.issuedAt.toISOString(),
  };
}
