import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiNotFoundResponse, ApiTooManyRequestsResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { CurrentPrincipal } from '../../platform/auth/current-principal.decorator';
import type { CustomerPrincipal } from '../../platform/request/principal';
import { RequireScope } from '../../platform/auth/route-auth';
import type { ListResponse } from '../../platform/pagination/list';
import { APP_LOGGER } from '../../platform/logging/logger';
import { CdrFilterQueryDto, ListCdrsQueryDto } from './cdr-query.dto';
import { CdrListResponseDto, type CdrResponse, CdrResponseDto } from './cdr-response';
import { streamCdrCsv } from './cdr-export.writer';
import { CdrsService } from './cdrs.service';
import { ExportSlots } from './export-slots';
import { APP_CONFIG } from '../../platform/config/config.module';
import type { AppConfig } from '../../platform/config/config.types';
import { safeError } from '../../platform/logging/safe-error';

@ApiTags('cdrs')
@Controller('cdrs')
@RequireScope('cdrs:read')
export class CdrsController {
  constructor(
    private readonly cdrs: CdrsService,
    private readonly slots: ExportSlots,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(APP_LOGGER) private readonly logger: Logger,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'List call detail records, newest first',
    description:
      'Needs `cdrs:read` (owners and admins; members when granted; keys with scope `*` or `cdrs:read`). ' +
      'Ordered by started_at then id, both descending, so calls starting in the same millisecond page stably. ' +
      'A cursor only works with the filters it was issued for.',
  })
  @ApiOkResponse({ type: CdrListResponseDto })
  list(@CurrentPrincipal() principal: CustomerPrincipal, @Query() query: ListCdrsQueryDto): Promise<ListResponse<CdrResponse>> {
    return this.cdrs.list(principal.accountId, query);
  }

  // Declared before ':id' so "export" is not taken for an id.
  @Get('export')
  @ApiOperation({
    summary: 'Export call detail records as CSV',
    description:
      'Same filters and order as the list, every matching row, streamed. Header row with the API field names; ' +
      'RFC 4180 quoting; a text cell starting with = + - @ is prefixed with an apostrophe (numbers such as E.164 ' +
      'values and negative costs are left as they are).',
  })
  @ApiProduces('text/csv')
  @ApiTooManyRequestsResponse({ description: 'More than EXPORTS_PER_ACCOUNT exports running for this account (code too_many_exports).' })
  @ApiOkResponse({ description: 'CSV attachment, one call per line after the header line.', content: { 'text/csv': { schema: { type: 'string' } } } })
  async export(
    @CurrentPrincipal() principal: CustomerPrincipal,
    @Query() query: CdrFilterQueryDto,
    @Res() res: Response,
  ): Promise<void> {
    const filters = this.cdrs.filters(query);
    const filename = `cdrs-${new Date().toISOString().slice(0, 19).replace(/[-:]/g, '')}Z.csv`;
    const release = this.slots.acquire(principal.accountId);
    try {
      await streamCdrCsv(
        res,
        await this.cdrs.exportCsv(principal.accountId, filters),
        filename,
        (err) => this.logger.error({ err: safeError(err) }, 'CDR export failed after the response started'),
        this.config.pools.exportIdleTimeoutSeconds * 1000,
      );
    } finally {
      release();
    }
  }

  @Get(':id')
  @ApiOperation({ summary: 'One call detail record' })
  @ApiOkResponse({ type: CdrResponseDto })
  @ApiNotFoundResponse({ description: 'No such CDR in this account.' })
  get(@CurrentPrincipal() principal: CustomerPrincipal, @Param('id') id: string): Promise<CdrResponse> {
    return this.cdrs.get(principal.accountId, id);
  }
}
