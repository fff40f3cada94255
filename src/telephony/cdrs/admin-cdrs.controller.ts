import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminOnly } from '../../platform/auth/route-auth';
import { CdrIngestService } from './cdr-ingest.service';
import { CdrIngestResponseDto } from './cdr-response';
import { IngestCdrsDto } from './ingest-cdrs.dto';

@ApiTags('admin')
@Controller('admin/cdrs')
@AdminOnly()
export class AdminCdrsController {
  constructor(private readonly ingest: CdrIngestService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    operationId: 'ingestCdrs',
    summary: 'Ingest a batch of CDRs from the switching platform',
    description:
      'All or nothing: one invalid record refuses the whole batch with 400, `param` naming the first problem ' +
      '(e.g. `cdrs[3].to`) and `errors` listing up to 100. A record whose (account_id, external_id) is already ' +
      'stored — or repeated within the batch — is skipped and counted in `duplicates`; the stored one is kept.',
  })
  @ApiOkResponse({ type: CdrIngestResponseDto })
  @ApiBadRequestResponse({ description: 'Invalid batch; nothing was stored.' })
  async create(@Body() body: IngestCdrsDto): Promise<CdrIngestResponseDto> {
    const result = await this.ingest.ingest(body.cdrs);
    return { object: 'cdr_ingest_result', ...result };
  }
}
