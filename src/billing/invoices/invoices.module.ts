import { Module } from '@nestjs/common';
import { AdminInvoicesController, InvoicesController } from './invoices.controller';
import { InvoicesRepository } from './invoices.repository';
import { InvoicesService } from './invoices.service';

/** Billing records (`GET /v1/invoices`, `POST /v1/admin/invoices`). */
@Module({
  controllers: [InvoicesController, AdminInvoicesController],
  providers: [InvoicesRepository, InvoicesService],
})
export class InvoicesModule {}
