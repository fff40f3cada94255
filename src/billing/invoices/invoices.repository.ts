import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../platform/database/prisma.service';

export interface InvoiceRow {
  id: string;
  accountId: string;
  periodStart: Date;
  periodEnd: Date;
  amount: string;
  currency: string;
  jurisdiction: string;
  issuedAt: Date;
}

export interface NewInvoice {
  id: string;
  accountId: string;
  periodStart: Date;
  periodEnd: Date;
  amount: string;
  currency: string;
  jurisdiction: string;
  issuedAt: Date;
}

const INVOICE_SELECT = {
  id: true,
  accountId: true,
  periodStart: true,
  periodEnd: true,
  amount: true,
  currency: true,
  jurisdiction: true,
  issuedAt: true,
} as const;

type SelectedInvoice = Omit<InvoiceRow, 'amount'> & { amount: { toFixed(digits: number): string } };

function toRow(row: SelectedInvoice): InvoiceRow {
  return { ...row, amount: row.amount.toFixed(4) };
}

@Injectable()
export class InvoicesRepository {
  constructor(private readonly prisma: PrismaService) {}

  async accountExists(accountId: string): Promise<boolean> {
    return (await this.prisma.account.count({ where: { id: accountId } })) > 0;
  }

  async create(invoice: NewInvoice): Promise<InvoiceRow> {
    return toRow(await this.prisma.invoice.create({ data: invoice, select: INVOICE_SELECT }));
  }

  /** Newest first, keyset on (issued_at, id) — the invoices (account_id, issued_at DESC, id DESC) index. */
  async list(accountId: string, take: number, before: { issuedAt: Date; id: string } | null): Promise<InvoiceRow[]> {
    const rows = await this.prisma.invoice.findMany({
      where: {
        accountId,
        ...(before
          ? { OR: [{ issuedAt: { lt: before.issuedAt } }, { issuedAt: before.issuedAt, id: { lt: before.id } }] }
          : {}),
      },
      orderBy: [{ issuedAt: 'desc' }, { id: 'desc' }],
      take,
      select: INVOICE_SELECT,
    });
    return rows.map(toRow);
  }
}
