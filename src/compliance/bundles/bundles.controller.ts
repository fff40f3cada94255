import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { CurrentPrincipal } from '../../platform/auth/current-principal.decorator';
import type { CustomerPrincipal } from '../../platform/request/principal';
import { RequireScope } from '../../platform/auth/route-auth';
import { ListQueryDto, type ListResponse } from '../../platform/pagination/list';
import { type BundleResponse, BundlesService, type EvaluationResponse } from './bundles.service';
import { BundleListResponseDto, BundleResponseDto, CreateBundleDto, EvaluationResponseDto } from './dto/bundle.dto';

@ApiTags('compliance')
@Controller('compliance/bundles')
export class BundlesController {
  constructor(private readonly bundles: BundlesService) {}

  @Post()
  @RequireScope('compliance:write')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Create a bundle (draft)',
    description:
      'An end-user and documents for a country and number type. A document may back several bundles of the account, ' +
      'including bundles of different end-users (one company registration for two bundles). A document kept after its ' +
      "end-user's erasure cannot back a new bundle (422 `document_subject_erased`, `param` naming it).",
  })
  @ApiCreatedResponse({ type: BundleResponseDto })
  create(@CurrentPrincipal() principal: CustomerPrincipal, @Body() dto: CreateBundleDto): Promise<BundleResponse> {
    return this.bundles.create(principal.accountId, dto);
  }

  @Get()
  @RequireScope('compliance:read')
  @ApiOperation({ summary: 'List bundles, newest first' })
  @ApiOkResponse({ type: BundleListResponseDto })
  list(@CurrentPrincipal() principal: CustomerPrincipal, @Query() query: ListQueryDto): Promise<ListResponse<BundleResponse>> {
    return this.bundles.list(principal.accountId, query);
  }

  @Get(':id')
  @RequireScope('compliance:read')
  @ApiOperation({ summary: 'One bundle, with its last evaluation and review (reasons per item)' })
  @ApiOkResponse({ type: BundleResponseDto })
  @ApiNotFoundResponse({ description: 'No such bundle in this account.' })
  get(@CurrentPrincipal() principal: CustomerPrincipal, @Param('id') id: string): Promise<BundleResponse> {
    return this.bundles.get(principal.accountId, id);
  }

  @Post(':id/evaluate')
  @RequireScope('compliance:read')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Evaluate a bundle against the requirements',
    description: 'Per-requirement results with the invalid fields; changes nothing (so it needs only `compliance:read`).',
  })
  @ApiOkResponse({ type: EvaluationResponseDto })
  evaluate(@CurrentPrincipal() principal: CustomerPrincipal, @Param('id') id: string): Promise<EvaluationResponse> {
    return this.bundles.evaluate(principal.accountId, id);
  }

  @Post(':id/submit')
  @RequireScope('compliance:write')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Submit a draft bundle for review',
    description:
      'Evaluates it; a compliant draft becomes `pending_review` and its end-user and documents read-only. A ' +
      'noncompliant one is refused with 422 `bundle_noncompliant` carrying the same `results` as evaluate; a bundle ' +
      'that is not a draft 409 `bundle_not_draft`.',
  })
  @ApiOkResponse({ type: BundleResponseDto })
  @ApiUnprocessableEntityResponse({ description: '`bundle_noncompliant` with `result` and `results`.' })
  submit(@CurrentPrincipal() principal: CustomerPrincipal, @Param('id') id: string): Promise<BundleResponse> {
    return this.bundles.submit(principal.accountId, id);
  }
}
