import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal } from '../../platform/auth/current-principal.decorator';
import type { CustomerPrincipal } from '../../platform/request/principal';
import { RequireScope } from '../../platform/auth/route-auth';
import { ListQueryDto, type ListResponse } from '../../platform/pagination/list';
import { CreateSipGatewayDto, SipGatewayListResponseDto, SipGatewayResponseDto, UpdateSipGatewayDto } from './dto/sip-gateway.dto';
import { SipGatewaysService } from './sip-gateways.service';

@ApiTags('sip-gateways')
@Controller('sip-gateways')
@ApiForbiddenResponse({ description: '`insufficient_permissions` without `sip_gateways:read` (reads) or `sip_gateways:write` (changes).' })
export class SipGatewaysController {
  constructor(private readonly gateways: SipGatewaysService) {}

  @Post()
  @RequireScope('sip_gateways:write')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Add a SIP gateway',
    description: 'The password is write-only: stored encrypted for the switch’s digest authentication and never returned.',
  })
  @ApiCreatedResponse({ type: SipGatewayResponseDto })
  @ApiBadRequestResponse({
    description: 'A field is missing or invalid (`param` names it), e.g. a host with a scheme or port; `host_not_allowed` for a host the switch must not dial.',
  })
  create(@CurrentPrincipal() principal: CustomerPrincipal, @Body() body: CreateSipGatewayDto): Promise<SipGatewayResponseDto> {
    return this.gateways.create(principal, body);
  }

  @Get()
  @RequireScope('sip_gateways:read')
  @ApiOperation({ summary: 'List SIP gateways (newest first)' })
  @ApiOkResponse({ type: SipGatewayListResponseDto })
  list(@CurrentPrincipal() principal: CustomerPrincipal, @Query() query: ListQueryDto): Promise<ListResponse<SipGatewayResponseDto>> {
    return this.gateways.list(principal, query.limit ?? 20, query.cursor);
  }

  @Get(':id')
  @RequireScope('sip_gateways:read')
  @ApiOperation({ summary: 'Show a SIP gateway' })
  @ApiOkResponse({ type: SipGatewayResponseDto })
  @ApiNotFoundResponse({ description: 'No such gateway in this account.' })
  get(@CurrentPrincipal() principal: CustomerPrincipal, @Param('id') id: string): Promise<SipGatewayResponseDto> {
    return this.gateways.get(principal, id);
  }

  @Patch(':id')
  @RequireScope('sip_gateways:write')
  @ApiOperation({ summary: 'Change a SIP gateway', description: 'Only the fields sent change. A new `password` replaces the stored one.' })
  @ApiOkResponse({ type: SipGatewayResponseDto })
  @ApiBadRequestResponse({ description: 'A field is invalid (`param` names it); `host_not_allowed` as on create.' })
  @ApiNotFoundResponse({ description: 'No such gateway in this account.' })
  update(
    @CurrentPrincipal() principal: CustomerPrincipal,
    @Param('id') id: string,
    @Body() body: UpdateSipGatewayDto,
  ): Promise<SipGatewayResponseDto> {
    return this.gateways.update(principal, id, body);
  }

  @Delete(':id')
  @RequireScope('sip_gateways:write')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a SIP gateway' })
  @ApiNoContentResponse({ description: 'Deleted, with its stored password.' })
  @ApiNotFoundResponse({ description: 'No such gateway in this account.' })
  delete(@CurrentPrincipal() principal: CustomerPrincipal, @Param('id') id: string): Promise<void> {
    return this.gateways.delete(principal, id);
  }
}
