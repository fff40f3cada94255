import { Body, Controller, Get, Param, Patch } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { AdminOnly } from '../common/auth/route-auth';
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
    summary: 'Operator: change an account’s feature flags and rate-limit overrides',
    description: 'Absent fields are left alone; `null` on a rate limit clears the override.',
  })
  @ApiOkResponse({ type: AdminAccountResponseDto })
  update(@Param('id') id: string, @Body() body: UpdateAccountSettingsDto): Promise<AdminAccountResponseDto> {
    return this.accounts.update(id, body);
  }
}
