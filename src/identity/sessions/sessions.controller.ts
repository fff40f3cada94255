import { Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal } from '../../platform/auth/current-principal.decorator';
import { sessionPrincipal, type Principal } from '../../platform/request/principal';
import { SessionOnly } from '../../platform/auth/route-auth';
import { ListQueryDto, type ListResponse } from '../../platform/pagination/list';
import {
  RevokeOthersResponseDto,
  SessionListResponseDto,
  SessionResponseDto,
} from './dto/session.response';
import { SessionManagementService } from './session-management.service';
import { SessionsService } from './sessions.service';

@ApiTags('sessions')
@Controller('auth/sessions')
@SessionOnly()
@ApiUnauthorizedResponse({ description: 'authentication_required: no valid, live session cookie.' })
@ApiForbiddenResponse({
  description: 'session_required (called with an API key) or csrf_origin_mismatch (mutation without a dashboard Origin).',
})
export class SessionsController {
  constructor(
    private readonly management: SessionManagementService,
    private readonly sessions: SessionsService,
  ) {}

  @Get()
  @ApiOperation({
    summary: "List the signed-in user's live sessions",
    description:
      'Every session of the user (across all their accounts) that is neither revoked nor expired, newest first. ' +
      '`current` marks the session making the request.',
  })
  @ApiOkResponse({ type: SessionListResponseDto })
  @ApiBadRequestResponse({ description: 'parameter_invalid: bad `limit` or `cursor`.' })
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListQueryDto): Promise<ListResponse<SessionResponseDto>> {
    return this.management.list(sessionPrincipal(principal), query.limit, query.cursor);
  }

  @Post('revoke-others')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'revokeOtherSessions',
    summary: 'Sign out everywhere else',
    description: "Revokes every other live session of the user; each is refused on its very next request.",
  })
  @ApiOkResponse({ type: RevokeOthersResponseDto })
  async revokeOthers(@CurrentPrincipal() principal: Principal): Promise<RevokeOthersResponseDto> {
    return { revoked_count: await this.management.revokeOthers(sessionPrincipal(principal)) };
  }

  @Post(':id/revoke')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Revoke one session',
    description:
      "Ends one of the user's sessions at once (on every API instance: each request reads the session from the database). " +
      'Revoking the current session also clears its cookie. Revoking an already ended session returns it unchanged.',
  })
  @ApiOkResponse({ type: SessionResponseDto })
  @ApiBadRequestResponse({ description: 'parameter_invalid (param `id`): not a session id.' })
  @ApiNotFoundResponse({ description: "resource_missing: no such session for this user (another user's session included)." })
  async revoke(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SessionResponseDto> {
    const { session, current } = await this.management.revoke(sessionPrincipal(principal), id);
    if (current) this.sessions.clearCookie(res);
    return session;
  }
}
