import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../../platform/auth/current-principal.decorator';
import type { SessionPrincipal } from '../../platform/request/principal';
import { SessionOnly } from '../../platform/auth/route-auth';
import { ListQueryDto, type ListResponse } from '../../platform/pagination/list';
import { LoginAttemptListResponse, type LoginAttemptResponse } from './login-attempt.response';
import { LoginHistoryService } from './login-history.service';

@ApiTags('auth')
@Controller('auth/login-history')
@SessionOnly()
export class LoginHistoryController {
  constructor(private readonly history: LoginHistoryService) {}

  @Get()
  @ApiOperation({
    summary: "The signed-in user's sign-in attempts, newest first",
    description:
      'Every attempt on this user, success or failure, with method, failure reason, client ip and user agent. ' +
      'Attempts naming an unknown email address belong to nobody and are not listed. Kept 90 days.',
  })
  @ApiOkResponse({ type: LoginAttemptListResponse })
  list(
    @CurrentPrincipal() principal: SessionPrincipal,
    @Query() query: ListQueryDto,
  ): Promise<ListResponse<LoginAttemptResponse>> {
    return this.history.list(principal.userId, query.limit ?? 20, query.cursor);
  }
}
