import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { CurrentPrincipal } from '../../platform/auth/current-principal.decorator';
import type { CustomerPrincipal } from '../../platform/request/principal';
import { RequireScope } from '../../platform/auth/route-auth';
import type { ListResponse } from '../../platform/pagination/list';
import { AssignNumberDto, ListNumbersQueryDto, NumberListResponseDto, NumberResponseDto } from './dto/number.dto';
import { type NumberResponse, NumbersService } from './numbers.service';

@ApiTags('numbers')
@Controller('numbers')
export class NumbersController {
  constructor(private readonly numbers: NumbersService) {}

  @Post()
  @RequireScope('numbers:write')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Assign a number to the account',
    description:
      'The country and number type are read from `e164` with libphonenumber’s numbering plans, never taken from the request: ' +
      'an unassigned or malformed number is 400 naming `e164`, a kind not offered (premium rate, shared cost, …) 400 ' +
      '`number_type_unsupported`, and a `country` or `number_type` sent that disagrees with the number 400 naming that field. ' +
      'Where the requirements table needs a bundle for the country and number type, `bundle_id` must name an approved ' +
      'bundle of the same country, number type and a matching end-user type; otherwise 422 `bundle_required` with ' +
      '`missing` listing what is wrong. A number active in any account answers 409 `number_unavailable`.',
  })
  @ApiCreatedResponse({ type: NumberResponseDto })
  @ApiBadRequestResponse({ description: '`e164`, `country` or `number_type` named in `param`: see above.' })
  @ApiUnprocessableEntityResponse({ description: '`bundle_required` with `missing: [{requirement, reason}]`.' })
  assign(@CurrentPrincipal() principal: CustomerPrincipal, @Body() dto: AssignNumberDto): Promise<NumberResponse> {
    return this.numbers.assign(principal.accountId, dto);
  }

  @Get()
  @RequireScope('numbers:read')
  @ApiOperation({ summary: 'List numbers, newest first' })
  @ApiOkResponse({ type: NumberListResponseDto })
  list(@CurrentPrincipal() principal: CustomerPrincipal, @Query() query: ListNumbersQueryDto): Promise<ListResponse<NumberResponse>> {
    return this.numbers.list(principal.accountId, query);
  }

  @Get(':id')
  @RequireScope('numbers:read')
  @ApiOperation({ summary: 'One number' })
  @ApiOkResponse({ type: NumberResponseDto })
  @ApiNotFoundResponse({ description: 'No such number in this account.' })
  get(@CurrentPrincipal() principal: CustomerPrincipal, @Param('id') id: string): Promise<NumberResponse> {
    return this.numbers.get(principal.accountId, id);
  }

  @Post(':id/release')
  @RequireScope('numbers:write')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Release a number',
    description: "`released` with `released_at`, which starts the regulator's retention window for the bundle behind it. 409 `number_released` if already released.",
  })
  @ApiOkResponse({ type: NumberResponseDto })
  release(@CurrentPrincipal() principal: CustomerPrincipal, @Param('id') id: string): Promise<NumberResponse> {
    return this.numbers.release(principal.accountId, id);
  }
}
