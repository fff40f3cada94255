import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import type { Response } from 'express';
import { CurrentPrincipal } from '../../platform/auth/current-principal.decorator';
import type { CustomerPrincipal } from '../../platform/request/principal';
import { RequireScope } from '../../platform/auth/route-auth';
import { ListQueryDto, type ListResponse } from '../../platform/pagination/list';
import { ComplianceErrors } from '../compliance-errors';
import { ErasureService, type ErasurePreview } from '../erasure/erasure.service';
import { CreateEndUserDto, EndUserListResponseDto, EndUserResponseDto, UpdateEndUserDto } from './dto/end-user.dto';
import { type EndUserResponse, EndUsersService } from './end-users.service';

export class EraseQueryDto {
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'List what would be removed and what holds it; change nothing.' })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'dry_run must be true or false.' })
  dry_run?: 'true' | 'false';
}

class ErasureHoldResponse {
  @ApiProperty({ enum: ['active_number', 'regulator', 'legal_hold'] }) type: string;
  @ApiProperty({ type: String, nullable: true, description: 'Null for the legal hold.' }) number_id: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Null for the legal hold.' }) bundle_id: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) until: string | null;
  @ApiProperty() reason: string;
}

class ErasureScheduledResponse {
  @ApiProperty({ enum: ['erasure_request'] }) object: string;
  @ApiProperty({ example: 'ers_4fQ2hZpL0mN8rT6vX1yB3c' }) id: string;
  @ApiProperty({ enum: ['erasure_scheduled'] }) status: string;
  @ApiProperty() end_user_id: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: 'Null while a backing number is active.' })
  erase_after: string | null;
  @ApiProperty({ type: [ErasureHoldResponse] }) holds: ErasureHoldResponse[];
}

class ErasureKeptDocumentResponse {
  @ApiProperty({ example: 'doc_4fQ2hZpL0mN8rT6vX1yB3c' }) id: string;
  @ApiProperty({ description: 'Why it stays (another bundle references it).' }) reason: string;
  @ApiProperty({ type: [String] }) bundle_ids: string[];
}

class ErasureWouldRemoveResponse {
  @ApiProperty() end_user: string;
  @ApiProperty({ type: [String] }) bundles: string[];
  @ApiProperty({ type: [String] }) documents: string[];
}

/** `?dry_run=true`: what an erasure would do now. */
class ErasurePreviewResponse {
  @ApiProperty({ enum: ['erasure_preview'] }) object: string;
  @ApiProperty({ enum: [true] }) dry_run: boolean;
  @ApiProperty() end_user_id: string;
  @ApiProperty({ enum: ['erase', 'schedule'], description: '`erase`: a real request would answer 204; `schedule`: 202 (held).' }) outcome: string;
  @ApiProperty({ type: ErasureWouldRemoveResponse }) would_remove: ErasureWouldRemoveResponse;
  @ApiProperty({ type: [ErasureKeptDocumentResponse] }) kept_documents: ErasureKeptDocumentResponse[];
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) erase_after: string | null;
  @ApiProperty({ type: [ErasureHoldResponse] }) holds: ErasureHoldResponse[];
}

/** "Try it out" examples: one per type (an individual's and a business's fields together are a 400). */
const CREATE_END_USER_EXAMPLES = {
  individual: {
    summary: 'An individual',
    value: {
      type: 'individual',
      first_name: 'Erika',
      last_name: 'Mustermann',
      date_of_birth: '1964-08-12',
      document_type: 'passport',
      document_number: 'C01X00T47',
      address: { street: 'Heidestraße 17', city: 'Köln', postal_code: '51147', country: 'DE' },
    },
  },
  business: {
    summary: 'A business',
    value: {
      type: 'business',
      business_name: 'Muster GmbH',
      registration_number: 'HRB 123456',
      address: { street: 'Friedrichstraße 43', city: 'Berlin', postal_code: '10117', country: 'DE' },
    },
  },
};

@ApiTags('compliance')
@Controller('compliance/end-users')
export class EndUsersController {
  constructor(
    private readonly endUsers: EndUsersService,
    private readonly erasure: ErasureService,
  ) {}

  @Post()
  @RequireScope('compliance:write')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Create an end-user',
    description:
      'Individuals need first_name and last_name; businesses business_name. Collect only what the requirements for ' +
      'the number need (`GET /v1/compliance/requirements`). date_of_birth, document_number and registration_number ' +
      'are encrypted at rest; the document number is never returned, only `document_number_last4`. Idempotent replays ' +
      'return the original response (kept encrypted for 24 hours).',
  })
  @ApiBody({ type: CreateEndUserDto, examples: CREATE_END_USER_EXAMPLES })
  @ApiCreatedResponse({ type: EndUserResponseDto })
  create(@CurrentPrincipal() principal: CustomerPrincipal, @Body() dto: CreateEndUserDto): Promise<EndUserResponse> {
    return this.endUsers.create(principal.accountId, dto);
  }

  @Get()
  @RequireScope('compliance:read')
  @ApiOperation({ summary: 'List end-users, newest first' })
  @ApiOkResponse({ type: EndUserListResponseDto })
  list(@CurrentPrincipal() principal: CustomerPrincipal, @Query() query: ListQueryDto): Promise<ListResponse<EndUserResponse>> {
    return this.endUsers.list(principal.accountId, query);
  }

  @Get(':id')
  @RequireScope('compliance:read')
  @ApiOperation({ summary: 'One end-user' })
  @ApiOkResponse({ type: EndUserResponseDto })
  @ApiNotFoundResponse({ description: 'No such end-user in this account.' })
  get(@CurrentPrincipal() principal: CustomerPrincipal, @Param('id') id: string): Promise<EndUserResponse> {
    return this.endUsers.get(principal.accountId, id);
  }

  @Patch(':id')
  @RequireScope('compliance:write')
  @ApiOperation({
    summary: 'Update an end-user',
    description:
      '`null` clears an optional field; `address` is replaced as a whole. The type cannot change. 409 `end_user_locked` ' +
      'while a bundle of the end-user is pending review or approved: create a new end-user and bundle instead.',
  })
  @ApiOkResponse({ type: EndUserResponseDto })
  update(
    @CurrentPrincipal() principal: CustomerPrincipal,
    @Param('id') id: string,
    @Body() dto: UpdateEndUserDto,
  ): Promise<EndUserResponse> {
    return this.endUsers.update(principal.accountId, id, dto);
  }

  @Delete(':id')
  @RequireScope('compliance:write')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Erase an end-user',
    description:
      'Removes the end-user, its bundles and every document of theirs that no other bundle references (binaries ' +
      'included) in one transaction: 204. When a bundle of theirs backs an active number, or a released number still ' +
      "inside its country's regulator window (12–24 months after release), the data is under legal hold: 202 with " +
      '`erase_after` (null while a number is active) and `holds`; it is erased automatically when the holds end. ' +
      "The operator's legal hold on the account (a hold of type `legal_hold`, no end) and its compliance window " +
      'override count too. ' +
      '`?dry_run=true` answers 200 with what would be removed and what holds it, changing nothing.',
  })
  @ApiNoContentResponse({ description: 'Erased.' })
  @ApiAcceptedResponse({ type: ErasureScheduledResponse, description: 'Under legal hold; erasure scheduled.' })
  @ApiOkResponse({ type: ErasurePreviewResponse, description: 'Dry run: what would be removed, kept and held.' })
  async erase(
    @CurrentPrincipal() principal: CustomerPrincipal,
    @Param('id') id: string,
    @Query() query: EraseQueryDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ErasurePreview | ErasureScheduledResponse | undefined> {
    await this.endUsers.findRow(principal.accountId, id);
    if (query.dry_run === 'true') {
      res.status(200);
      return this.erasure.preview(principal.accountId, id);
    }
    const outcome = await this.erasure.request(principal.accountId, id);
    if (outcome.kind === 'not_found') throw ComplianceErrors.endUserNotFound();
    if (outcome.kind === 'erased') return undefined;
    res.status(202);
    return {
      object: 'erasure_request',
      id: outcome.requestId,
      status: 'erasure_scheduled',
      end_user_id: id,
      erase_after: outcome.eraseAfter ? outcome.eraseAfter.toISOString() : null,
      holds: outcome.holds,
    };
  }
}
