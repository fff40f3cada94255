import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { CurrentPrincipal } from '../../platform/auth/current-principal.decorator';
import type { SessionPrincipal } from '../../platform/request/principal';
import { SessionOnly } from '../../platform/auth/route-auth';
import { MemberResponseDto, toMemberResponse } from './dto/member.dto';
import { MfaComplianceReportResponse, toMfaComplianceReportResponse } from './dto/sign-in-policy.dto';
import { SignInPolicyService } from './sign-in-policy.service';

@ApiTags('accounts')
@Controller('account')
@ApiUnauthorizedResponse({ description: 'authentication_required.' })
export class SignInPolicyController {
  constructor(private readonly policy: SignInPolicyService) {}

  @Get('mfa-compliance')
  @SessionOnly()
  @ApiOperation({
    operationId: 'getMfaComplianceReport',
    summary: "Who does not meet the account's sign-in policy, and until when (owner or admin)",
    description: 'Judged by the factors each member has set up. Empty when the policy is `off`.',
  })
  @ApiOkResponse({ type: MfaComplianceReportResponse })
  @ApiForbiddenResponse({ description: 'insufficient_role; session_required (API key).' })
  async report(@CurrentPrincipal() principal: SessionPrincipal): Promise<MfaComplianceReportResponse> {
    const { account, below } = await this.policy.report(principal);
    return toMfaComplianceReportResponse(account, below);
  }

  @Post('members/:id/reset-mfa')
  @SessionOnly({ recentAuth: true })
  @HttpCode(200)
  @ApiOperation({
    operationId: 'resetMemberMfa',
    summary: "Reset a member's second factor (owner or admin, step-up within 10 minutes)",
    description:
      "Removes the member's authenticator app, recovery codes and passkeys, ends all their sessions and mails them. They stay a " +
      'member and set a factor up again at their next sign-in. Admins cannot reset owners; use your own MFA routes for yourself.',
  })
  @ApiOkResponse({ type: MemberResponseDto })
  @ApiBadRequestResponse({ description: 'parameter_invalid (param `id`).' })
  @ApiForbiddenResponse({ description: 'insufficient_role, owner_role_required, reauthentication_required; session_required (API key).' })
  @ApiNotFoundResponse({ description: 'resource_missing: no such member in the current account.' })
  async reset(@CurrentPrincipal() principal: SessionPrincipal, @Param('id') id: string): Promise<MemberResponseDto> {
    const { member, factors } = await this.policy.resetMember(principal, id);
    return toMemberResponse(member, factors.passkeys);
  }
}
