import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { CurrentPrincipal } from '../../platform/auth/current-principal.decorator';
import { sessionPrincipal, type Principal } from '../../platform/request/principal';
import { AdminOnly, SessionOnly } from '../../platform/auth/route-auth';
import { ListQueryDto, type ListResponse } from '../../platform/pagination/list';
import { CreateInvoiceDto, InvoiceListResponseDto, InvoiceResponseDto } from './dto/invoice.dto';
import { InvoicesService } from './invoices.service';

@ApiTags('invoices')
@Controller('invoices')
@SessionOnly()
@ApiUnauthorizedResponse({ description: 'authentication_required.' })
export class InvoicesController {
  constructor(private readonly invoices: InvoicesService) {}

  @Get()
  @ApiOperation({ summary: "The current account's invoices (owner or admin)", description: 'Newest first.' })
  @ApiOkResponse({ type: InvoiceListResponseDto })
  @ApiBadRequestResponse({ description: 'parameter_invalid: bad `limit` or `cursor`.' })
  @ApiForbiddenResponse({ description: 'insufficient_role; session_required (API key).' })
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListQueryDto): Promise<ListResponse<InvoiceResponseDto>> {
    return this.invoices.list(sessionPrincipal(principal), query.limit, query.cursor);
  }
}

@ApiTags('admin')
@Controller('admin/invoices')
@AdminOnly()
@ApiUnauthorizedResponse({ description: 'Missing or wrong ADMIN_API_TOKEN.' })
export class AdminInvoicesController {
  constructor(private readonly invoices: InvoicesService) {}

  @Post()
  @ApiOperation({
    summary: 'Operator: record an invoice',
    description: 'Kept while the account lives, and after its anonymisation for the tax period of `jurisdiction` (7 years if unlisted).',
  })
  @ApiCreatedResponse({ type: InvoiceResponseDto })
  @ApiBadRequestResponse({ description: 'parameter_invalid naming the field (including an unknown `account_id`).' })
  record(@Body() body: CreateInvoiceDto): Promise<InvoiceResponseDto> {
    return this.invoices.record(body);
  }
}
