import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { CurrentPrincipal } from '../../platform/auth/current-principal.decorator';
import { sessionPrincipal, type Principal } from '../../platform/request/principal';
import { SessionOnly } from '../../platform/auth/route-auth';
import { AccountsService } from './accounts.service';
import { AccountResponseDto } from './dto/account.dto';
import { AcceptInvitationDto, SwitchAccountDto } from './dto/invitation.dto';
import { MemberResponseDto } from './dto/member.dto';
import { InvitationsService } from './invitations.service';
import { AuthRateLimit } from '../../platform/auth/rate-limit.decorators';

/** The account-related routes under /v1/auth: they act on the signed-in user, not on one account. */
@ApiTags('accounts')
@Controller('auth')
@SessionOnly()
@ApiUnauthorizedResponse({ description: 'authentication_required.' })
export class AccountAuthController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly invitations: InvitationsService,
  ) {}

  @Post('switch-account')
  // A member held to one account's MFA policy can still go and work in another account.
  @SessionOnly({ duringMfaSetup: true })
  @HttpCode(200)
  @ApiOperation({
    operationId: 'switchAccount',
    summary: 'Act for another of your accounts',
    description:
      'The calling session (same cookie) now acts for `account_id`, with your role there; that account also becomes ' +
      'your default at the next sign-in. Returns the new current account.',
  })
  @ApiOkResponse({ type: AccountResponseDto })
  @ApiBadRequestResponse({ description: 'parameter_invalid (param `account_id`).' })
  @ApiForbiddenResponse({ description: 'account_closed; csrf_origin_mismatch; session_required (API key).' })
  @ApiNotFoundResponse({ description: 'resource_missing: you are not a member of that account.' })
  switchAccount(@CurrentPrincipal() principal: Principal, @Body() body: SwitchAccountDto): Promise<AccountResponseDto> {
    return this.accounts.switchTo(sessionPrincipal(principal), body.account_id);
  }

  @Post('invitations/accept')
  @AuthRateLimit()
  @HttpCode(200)
  @ApiOperation({
    operationId: 'acceptInvitation',
    summary: 'Accept an invitation to an account',
    description:
      'Must be called by a signed-in user whose e-mail address is the invited one (someone new signs up and verifies ' +
      'first). Creates the membership; the session keeps acting for its current account — use switch-account.',
  })
  @ApiOkResponse({ type: MemberResponseDto })
  @ApiBadRequestResponse({ description: 'invitation_invalid (param `token`): unknown, expired or already used.' })
  @ApiForbiddenResponse({ description: 'invitation_email_mismatch; csrf_origin_mismatch; session_required (API key).' })
  @ApiConflictResponse({ description: 'already_member.' })
  acceptInvitation(@CurrentPrincipal() principal: Principal, @Body() body: AcceptInvitationDto): Promise<MemberResponseDto> {
    return this.invitations.accept(sessionPrincipal(principal), body.token);
  }
}
