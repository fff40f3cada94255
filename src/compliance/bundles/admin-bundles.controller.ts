import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminOnly } from '../../platform/auth/route-auth';
import { type BundleRow } from './bundles.repository';
import { BundlesService, toBundleResponse } from './bundles.service';
import { ReviewBundleDto } from './dto/bundle.dto';

export interface AdminBundleResponse {
  id: string;
  object: 'bundle';
  account_id: string;
  status: string;
  country: string;
  number_type: string;
  requirements_version: string;
  end_user: { id: string; type: string | null; address_country: string | null };
  documents: { id: string; type: string; content_type: string | null; size_bytes: number; sha256: string | null; end_user_id: string | null }[];
  evaluation: unknown;
  submitted_at: string | null;
  reviewed_at: string | null;
  review: unknown;
  created_at: string;
}

/**
 * The operator's side of bundle review. Support is handed a bundle id; this look-up shows
 * metadata only — no names, dates of birth, document numbers or file contents.
 */
@ApiTags('admin')
@Controller('admin/bundles')
@AdminOnly()
export class AdminBundlesController {
  constructor(private readonly bundles: BundlesService) {}

  @Get(':id')
  @ApiOperation({ summary: 'Support look-up of a bundle (metadata only)' })
  @ApiOkResponse({ description: 'Status, country, end-user type and address country, document types, sizes and hashes, evaluation and review.' })
  async get(@Param('id') id: string): Promise<AdminBundleResponse> {
    const { row, endUser, documents } = await this.bundles.adminGet(id);
    return toAdminResponse(row, endUser, documents);
  }

  @Post(':id/approve')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Approve a bundle pending review',
    description:
      'Re-evaluates the bundle as stored now: 422 `bundle_noncompliant` (with the results; it stays pending review) when it ' +
      'no longer meets the requirements. 409 `bundle_not_pending_review` when it is not pending review.',
  })
  async approve(@Param('id') id: string, @Body() dto: ReviewBundleDto): Promise<ReturnType<typeof toBundleResponse>> {
    return toBundleResponse(await this.bundles.review(id, 'approved', dto));
  }

  @Post(':id/reject')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Reject a bundle pending review',
    description: '`reason` required; `items` carry a reason per item (`end_user`, `end_user.<field>` or a document id), shown to the customer.',
  })
  async reject(@Param('id') id: string, @Body() dto: ReviewBundleDto): Promise<ReturnType<typeof toBundleResponse>> {
    return toBundleResponse(await this.bundles.review(id, 'rejected', dto));
  }
}

function toAdminResponse(
  row: BundleRow,
  endUser: { type: string; addressCountry: string } | null,
  documents: { id: string; type: string; contentType: string | null; sizeBytes: number; sha256: string | null; endUserId: string | null }[],
): AdminBundleResponse {
  const customer = toBundleResponse(row);
  return {
    id: row.id,
    object: 'bundle',
    account_id: row.accountId,
    status: row.status,
    country: row.country,
    number_type: row.numberType,
    requirements_version: row.requirementsVersion,
    end_user: { id: row.endUserId, type: endUser?.type ?? null, address_country: endUser?.addressCountry ?? null },
    documents: documents.map((d) => ({
      id: d.id,
      type: d.type,
      content_type: d.contentType,
      size_bytes: d.sizeBytes,
      sha256: d.sha256,
      end_user_id: d.endUserId,
    })),
    evaluation: customer.evaluation,
    submitted_at: customer.submitted_at,
    reviewed_at: customer.reviewed_at,
    review: customer.review,
    created_at: customer.created_at,
  };
}
