import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal } from '../../platform/auth/current-principal.decorator';
import { sessionPrincipal, type Principal } from '../../platform/request/principal';
import { SessionOnly } from '../../platform/auth/route-auth';
import { ListQueryDto, type ListResponse } from '../../platform/pagination/list';
import { ApiKeysService } from './api-keys.service';
import { ApiKeyListResponseDto, ApiKeyResponseDto, CreatedApiKeyResponseDto } from './dto/api-key-response.dto';
import { CreateApiKeyDto } from './dto/create-api-key.dto';

@ApiTags('api-keys')
@Controller('api-keys')
@SessionOnly()
@ApiForbiddenResponse({
  description:
    '`session_required` for an API key; `forbidden` for members (owners and admins manage keys); `api_keys_not_enabled` on create while the beta is off for the account.',
})
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @SessionOnly({ recentAuth: true })
  @HttpCode(201)
  @ApiOperation({
    summary: 'Create an API key',
    description:
      'Returns the secret `key` once, in this response only; DIDHub keeps only a keyed hash. The account owners are notified by mail. Requires the API-key beta to be enabled for the account.',
  })
  @ApiCreatedResponse({ type: CreatedApiKeyResponseDto })
  @ApiBadRequestResponse({ description: 'Bad name, unknown scope, `*` combined with other scopes, or expires_at not in the future.' })
  create(@CurrentPrincipal() principal: Principal, @Body() body: CreateApiKeyDto): Promise<CreatedApiKeyResponseDto> {
    return this.apiKeys.create(sessionPrincipal(principal), body);
  }

  @Get()
  @ApiOperation({ summary: 'List the account’s API keys that are not revoked (newest first). Never includes the key.' })
  @ApiOkResponse({ type: ApiKeyListResponseDto })
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListQueryDto): Promise<ListResponse<ApiKeyResponseDto>> {
    return this.apiKeys.list(sessionPrincipal(principal), query.limit ?? 20, query.cursor);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Show an API key (also a revoked one). Never includes the key.' })
  @ApiOkResponse({ type: ApiKeyResponseDto })
  @ApiNotFoundResponse({ description: 'No such key in this account.' })
  get(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<ApiKeyResponseDto> {
    return this.apiKeys.get(sessionPrincipal(principal), id);
  }

  @Delete(':id')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Revoke an API key',
    description:
      'Immediate: the next request with the key is refused, on every instance. Returns the revoked key; revoking it again returns it unchanged.',
  })
  @ApiOkResponse({ type: ApiKeyResponseDto })
  @ApiNotFoundResponse({ description: 'No such key in this account.' })
  revoke(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<ApiKeyResponseDto> {
    return this.apiKeys.revoke(sessionPrincipal(principal), id);
  }
}
