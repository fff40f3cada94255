import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { AdminOnly } from '../../platform/auth/route-auth';
import { CommonErrors } from '../../platform/errors/common-errors';
import { isIdOf } from '../../platform/ids/ids';
import { CursorCodec } from '../../platform/pagination/cursor';
import { ListQueryDto, toListPage, type ListResponse } from '../../platform/pagination/list';
import {
  RetentionRunListResponseDto,
  RetentionRunResponseDto,
  StartRetentionRunDto,
  toRetentionRunResponse,
} from './dto/retention-run.dto';
import { RetentionErrors } from './retention-errors';
import { RetentionService } from './retention.service';

const CURSOR_SCOPE = 'retention_runs';

@ApiTags('admin')
@Controller('admin/retention')
@AdminOnly()
@ApiUnauthorizedResponse({ description: 'Missing or wrong ADMIN_API_TOKEN.' })
export class RetentionController {
  constructor(
    private readonly retention: RetentionService,
    private readonly cursors: CursorCodec,
  ) {}

  @Post('run')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Operator: run the retention job now',
    description:
      'Starts a run and answers once it is recorded; the rules continue in the background — follow it with ' +
      '`GET /v1/admin/retention/runs/{id}`. `dry_run: true` counts what would go and changes nothing.',
  })
  @ApiAcceptedResponse({ type: RetentionRunResponseDto })
  @ApiConflictResponse({ description: 'retention_already_running: another run holds the lock (this or another instance).' })
  async run(@Body() body: StartRetentionRunDto): Promise<RetentionRunResponseDto> {
    const started = await this.retention.start('api', { dryRun: body.dry_run ?? false });
    if (!started) throw RetentionErrors.alreadyRunning();
    return toRetentionRunResponse(started.run);
  }

  @Get('runs')
  @ApiOperation({ operationId: 'listRetentionRuns', summary: 'Operator: retention runs, newest first' })
  @ApiOkResponse({ type: RetentionRunListResponseDto })
  async list(@Query() query: ListQueryDto): Promise<ListResponse<RetentionRunResponseDto>> {
    const limit = query.limit ?? 20;
    const before = query.cursor ? this.cursors.decodePosition(CURSOR_SCOPE, query.cursor) : null;
    const rows = await this.retention.listRuns(limit + 1, before ? { startedAt: before.at, id: before.id } : null);
    return toListPage(rows, limit, toRetentionRunResponse, (row) => this.cursors.encodePosition(CURSOR_SCOPE, row.startedAt, row.id));
  }

  @Get('runs/:id')
  @ApiOperation({ summary: 'Operator: one retention run' })
  @ApiOkResponse({ type: RetentionRunResponseDto })
  @ApiNotFoundResponse({ description: 'resource_missing.' })
  async get(@Param('id') id: string): Promise<RetentionRunResponseDto> {
    const row = isIdOf('retentionRun', id) ? await this.retention.findRun(id) : null;
    if (!row) throw CommonErrors.notFound('retention run');
    return toRetentionRunResponse(row);
  }
}
