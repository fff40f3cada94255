import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal } from '../../platform/auth/current-principal.decorator';
import { sessionPrincipal, type Principal } from '../../platform/request/principal';
import { SessionOnly } from '../../platform/auth/route-auth';
import { SessionsService } from '../sessions/sessions.service';
import { AuthRateLimit } from '../../platform/auth/rate-limit.decorators';
import { AccountClosureService } from './account-closure.service';
import { AccountClosureResponseDto, CloseAccountDto } from './dto/close-account.dto';

@ApiTags('accounts')
@Controller('account')
export class AccountClosureController {
  constructor(
    private readonly closure: AccountClosureService,
    private readonly sessions: SessionsService,
  ) {}

  @Post('close')
  @SessionOnly()
  @AuthRateLimit()
  @HttpCode(200)
  @ApiOperation({
    operationId: 'closeAccount',
    summary: 'Close the current account (owner)',
    description:
      'Needs the password, and `code` (TOTP or recovery code) when MFA is on; wrong ones count toward the sign-in lock-out. ' +
      'Status becomes `closed` and every session and API key of the account is revoked in the same transaction; signing in ' +
      'to it is refused with 403 `account_closed`. The owners get a mail saying when the account will be anonymised ' +
      '(`anonymize_after`, 30 days after closure); until then DIDHub support can reopen it. Closing again changes nothing.',
  })
  @ApiOkResponse({ type: AccountClosureResponseDto })
  @ApiBadRequestResponse({ description: 'parameter_invalid (`password`, `code`); parameter_missing (`code`, MFA is on).' })
  @ApiUnauthorizedResponse({ description: 'invalid_password (param `password`); mfa_code_invalid (param `code`).' })
  @ApiForbiddenResponse({ description: 'owner_role_required; csrf_origin_mismatch; session_required (API key).' })
  @ApiTooManyRequestsResponse({ description: 'too_many_failed_logins: locked out after repeated wrong passwords or codes.' })
  async close(
    @CurrentPrincipal() principal: Principal,
    @Body() body: CloseAccountDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<AccountClosureResponseDto> {
    const closed = await this.closure.close(sessionPrincipal(principal), body.password, body.code, body.passkey);
    this.sessions.clearCookie(res);
    return closed;
  }
}
