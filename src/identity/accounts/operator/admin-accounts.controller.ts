import { Body, Controller, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { AdminOnly } from '../../../platform/auth/route-auth';
import { AdminAccountsService } from './admin-accounts.service';
import { AdminAccountResponseDto } from './dto/admin-account-response.dto';
import { UpdateAccountSettingsDto } from './dto/update-account-settings.dto';

@ApiTags('admin')
@Controller('admin/accounts')
@AdminOnly()
@ApiUnauthorizedResponse({ description: 'Missing or wrong ADMIN_API_TOKEN (sessions and customer keys are never accepted here).' })
@ApiNotFoundResponse({ description: 'No such account — or the operator API is off (ADMIN_API_TOKEN unset).' })
export class AdminAccountsController {
  constructor(private readonly accounts: AdminAccountsService) {}

  @Get(':id')
  @ApiOperation({ summary: 'Operator: an account’s state and overrides' })
  @ApiOkResponse({ type: AdminAccountResponseDto })
  get(@Param('id') id: string): Promise<AdminAccountResponseDto> {
    return this.accounts.get(id);
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Operator: change an account’s feature flags, rate-limit and retention overrides',
    description:
      'Absent fields are left alone; `null` on a rate limit clears the override. `retention_overrides` replaces the ' +
      'account’s retention overrides as a whole (`null` = default periods); see the README retention table.',
  })
  @ApiOkResponse({ type: AdminAccountResponseDto })
  update(@Param('id') id: string, @Body() body: UpdateAccountSettingsDto): Promise<AdminAccountResponseDto> {
    return this.accounts.update(id, body);
  }

  @Post(':id/reopen')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Operator: reopen a closed account before it is anonymised',
    description:
      'closed → active. Sessions and API keys revoked at closure stay revoked (members sign in again). ' +
      'An account that is already active is returned unchanged; once anonymisation has started: 409.',
  })
  @ApiOkResponse({ type: AdminAccountResponseDto })
  @ApiConflictResponse({ description: 'account_anonymized: too late, the personal data is gone.' })
  reopen(@Param('id') id: string): Promise<AdminAccountResponseDto> {
    return this.accounts.reopen(id);
  }
}
