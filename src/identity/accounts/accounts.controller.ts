import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { CurrentPrincipal } from '../../platform/auth/current-principal.decorator';
import { sessionPrincipal, type CustomerPrincipal, type Principal } from '../../platform/request/principal';
import { Authenticated, SessionOnly } from '../../platform/auth/route-auth';
import { ListQueryDto, type ListResponse } from '../../platform/pagination/list';
import { AccountsService } from './accounts.service';
import { AccountResponseDto, UpdateAccountDto } from './dto/account.dto';
import { InvitationResponseDto } from './dto/invitation.dto';
import {
  AddMemberDto,
  MemberListResponseDto,
  MemberResponseDto,
  UpdateMemberDto,
} from './dto/member.dto';
import { MembersService } from './members.service';

const MANAGER_ONLY = 'insufficient_role: only owners and admins; owner_role_required: only owners grant, change or remove the owner role; ' +
  'csrf_origin_mismatch; session_required (API key).';

@ApiTags('accounts')
@Controller('account')
@ApiUnauthorizedResponse({ description: 'authentication_required.' })
@ApiExtraModels(MemberResponseDto, InvitationResponseDto)
export class AccountsController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly members: MembersService,
  ) {}

  @Get()
  @Authenticated()
  @ApiOperation({ summary: 'The current account', description: "A session's current account (see switch-account), or the API key's account." })
  @ApiOkResponse({ type: AccountResponseDto })
  get(@CurrentPrincipal() principal: Principal): Promise<AccountResponseDto> {
    return this.accounts.current(principal as CustomerPrincipal);
  }

  @Patch()
  @Authenticated()
  @ApiOperation({
    summary: "Rename the current account, or set its members' sign-in policy",
    description:
      '`name`: a session of an owner or admin, or an API key with the `*` scope (a narrower key gets 403 `insufficient_permissions`). ' +
      '`mfa_policy` / `mfa_grace_period_days`: an owner’s session that signed in or stepped up within 10 minutes; members who do not ' +
      'meet the new policy are mailed the deadline. See GET /v1/account/mfa-compliance.',
  })
  @ApiOkResponse({ type: AccountResponseDto })
  @ApiBadRequestResponse({ description: 'parameter_invalid (param `name`, `mfa_policy` or `mfa_grace_period_days`); parameter_missing: nothing to change.' })
  @ApiForbiddenResponse({
    description:
      'insufficient_role: a member; insufficient_permissions: an API key without `*`; owner_role_required, session_required, ' +
      'reauthentication_required (policy); csrf_origin_mismatch.',
  })
  update(@CurrentPrincipal() principal: Principal, @Body() body: UpdateAccountDto): Promise<AccountResponseDto> {
    return this.accounts.update(principal as CustomerPrincipal, body);
  }

  @Get('members')
  @SessionOnly()
  @ApiOperation({ summary: "The current account's members", description: 'Oldest first. Any member may read the list.' })
  @ApiOkResponse({ type: MemberListResponseDto })
  @ApiBadRequestResponse({ description: 'parameter_invalid: bad `limit` or `cursor`.' })
  @ApiForbiddenResponse({ description: 'session_required (API key).' })
  listMembers(@CurrentPrincipal() principal: Principal, @Query() query: ListQueryDto): Promise<ListResponse<MemberResponseDto>> {
    return this.members.list(sessionPrincipal(principal), query.limit, query.cursor);
  }

  @Post('members')
  @SessionOnly()
  @ApiOperation({
    summary: 'Invite a member by e-mail (owner or admin)',
    description:
      'Always mails an invitation (201 `invitation`), whether or not the address has a DIDHub account: the answer ' +
      'does not say, and nobody joins without consent. The single-use token is valid for 7 days and is redeemed with ' +
      '`POST /v1/auth/invitations/accept` by the user with that address (signing up first if needed). A newer ' +
      'invitation to the same address replaces an open one.',
  })
  @ApiCreatedResponse({ type: InvitationResponseDto })
  @ApiBadRequestResponse({ description: 'parameter_invalid (param `email`, `role` or `permissions`).' })
  @ApiForbiddenResponse({ description: MANAGER_ONLY })
  async addMember(@CurrentPrincipal() principal: Principal, @Body() body: AddMemberDto): Promise<InvitationResponseDto> {
    return this.members.add(sessionPrincipal(principal), body);
  }

  @Patch('members/:id')
  @SessionOnly()
  @ApiOperation({
    summary: "Change a member's role or permissions (owner or admin)",
    description: 'Admins cannot change owners or make anyone an owner. The last owner cannot be demoted (409 `last_owner`).',
  })
  @ApiOkResponse({ type: MemberResponseDto })
  @ApiBadRequestResponse({ description: 'parameter_invalid (param `id`, `role` or `permissions`).' })
  @ApiForbiddenResponse({ description: MANAGER_ONLY })
  @ApiNotFoundResponse({ description: 'resource_missing: no such member in the current account.' })
  @ApiConflictResponse({ description: 'last_owner.' })
  updateMember(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body() body: UpdateMemberDto,
  ): Promise<MemberResponseDto> {
    return this.members.update(sessionPrincipal(principal), id, body);
  }

  @Delete('members/:id')
  @SessionOnly()
  @HttpCode(204)
  @ApiOperation({
    summary: 'Remove a member (owner or admin)',
    description:
      "Their sessions acting for this account end at once. Admins cannot remove owners; the last owner cannot be removed (409 `last_owner`).",
  })
  @ApiNoContentResponse({ description: 'Removed.' })
  @ApiBadRequestResponse({ description: 'parameter_invalid (param `id`).' })
  @ApiForbiddenResponse({ description: MANAGER_ONLY })
  @ApiNotFoundResponse({ description: 'resource_missing: no such member in the current account.' })
  @ApiConflictResponse({ description: 'last_owner.' })
  async removeMember(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<void> {
    await this.members.remove(sessionPrincipal(principal), id);
  }
}
