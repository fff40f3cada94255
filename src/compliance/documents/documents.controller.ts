import { Consumes } from '../../platform/http/consumes.decorator';
import { Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiUnprocessableEntityResponse,
  ApiUnsupportedMediaTypeResponse,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { CurrentPrincipal } from '../../platform/auth/current-principal.decorator';
import type { CustomerPrincipal } from '../../platform/request/principal';
import { RequireScope } from '../../platform/auth/route-auth';
import { ApiError } from '../../platform/errors/api-error';
import type { AppRequest } from '../../platform/request/request-context';
import { APP_LOGGER } from '../../platform/logging/logger';
import { safeError } from '../../platform/logging/safe-error';
import type { ListResponse } from '../../platform/pagination/list';
import { idempotencyGateOf, IdempotentReplay, StreamsOwnBody } from '../../pipeline/idempotency/idempotency-gate';
import { EXTENSIONS, type DetectedType } from './document-content';
import { type DocumentResponse, DocumentsService } from './documents.service';
import { DocumentListResponseDto, DocumentResponseDto, ListDocumentsQueryDto, UPLOAD_BODY_SCHEMA } from './dto/document.dto';

@ApiTags('compliance')
@Controller('compliance/documents')
export class DocumentsController {
  constructor(
    private readonly documents: DocumentsService,
    @Inject(APP_LOGGER) private readonly logger: Logger,
  ) {}

  @Post()
  @RequireScope('compliance:write')
  @StreamsOwnBody()
  @ApiOperation({
    summary: 'Upload a document',
    description:
      'multipart/form-data with `file`, `type` and optionally `end_user_id`. PDF, JPEG and PNG are recognised by their ' +
      "content (magic bytes and structure); the client's content type and file name are ignored and not stored. Refused: " +
      'empty file 400 `file_empty`; larger than DOCUMENT_MAX_BYTES (10 MB by default) 413 `file_too_large` (reading stops ' +
      'there); anything else than PDF/JPEG/PNG 415 `file_type_unsupported`. The whole structure is checked (PNG chunks ' +
      'and CRCs to IEND, JPEG segments and scans to EOI, a PDF whose cross-reference chain and trailers parse): a ' +
      'truncated or broken file 422 `file_malformed`; data after the end (IEND, EOI, the last %%EOF; only zero padding ' +
      'after a JPEG EOI, or the further images of a Multi-Picture JPEG, is accepted) 422 `file_trailing_data`; an encrypted PDF, however its trailer spells /Encrypt, ' +
      '422 `file_encrypted`. The file is encrypted at rest as it streams in. ' +
      'With `Idempotency-Key`, "the same request" means the same raw multipart bytes.',
  })
  @Consumes('multipart/form-data')
  @ApiBody({ schema: UPLOAD_BODY_SCHEMA })
  @ApiCreatedResponse({ type: DocumentResponseDto })
  @ApiNotFoundResponse({ description: '`end_user_not_found`: `end_user_id` names no end-user of this account.' })
  @ApiPayloadTooLargeResponse({ description: '`file_too_large`: the file exceeds DOCUMENT_MAX_BYTES.' })
  @ApiUnsupportedMediaTypeResponse({ description: '`file_type_unsupported`: not a PDF, JPEG or PNG (by content).' })
  @ApiUnprocessableEntityResponse({ description: '`file_malformed` (truncated or stitched), `file_encrypted` (password-protected PDF).' })
  async upload(
    @CurrentPrincipal() principal: CustomerPrincipal,
    @Req() req: AppRequest,
    @Res() res: Response,
  ): Promise<DocumentResponse | IdempotentReplay> {
    let outcome;
    try {
      outcome = await this.documents.upload(principal.accountId, req, req.headers, idempotencyGateOf(req));
    } catch (error) {
      // The rest of an oversized body is discarded unread; do not keep the connection for it.
      if (error instanceof ApiError && error.getStatus() === 413) res.setHeader('Connection', 'close');
      throw error;
    }
    // The idempotency interceptor sends a replay, as it does for every route.
    if (outcome.kind === 'replay') return new IdempotentReplay(outcome.response);
    res.status(201).json(outcome.document);
    return outcome.document;
  }

  @Get()
  @RequireScope('compliance:read')
  @ApiOperation({ summary: 'List documents (metadata), newest first' })
  @ApiOkResponse({ type: DocumentListResponseDto })
  list(@CurrentPrincipal() principal: CustomerPrincipal, @Query() query: ListDocumentsQueryDto): Promise<ListResponse<DocumentResponse>> {
    return this.documents.list(principal.accountId, query);
  }

  @Get(':id')
  @RequireScope('compliance:read')
  @ApiOperation({ summary: 'One document (metadata)' })
  @ApiOkResponse({ type: DocumentResponseDto })
  @ApiNotFoundResponse({ description: 'No such document in this account.' })
  get(@CurrentPrincipal() principal: CustomerPrincipal, @Param('id') id: string): Promise<DocumentResponse> {
    return this.documents.get(principal.accountId, id);
  }

  @Get(':id/content')
  @RequireScope('compliance:read')
  @ApiOperation({
    operationId: 'getDocumentContent',
    summary: 'Download the file',
    description: 'The bytes as uploaded, as an attachment with the detected content type and `X-Content-Type-Options: nosniff`.',
  })
  @ApiProduces('application/pdf', 'image/jpeg', 'image/png')
  @ApiOkResponse({ description: 'The file.', schema: { type: 'string', format: 'binary' } })
  @ApiNotFoundResponse({ description: 'No such document in this account.' })
  async content(@CurrentPrincipal() principal: CustomerPrincipal, @Param('id') id: string, @Res() res: Response): Promise<void> {
    const row = await this.documents.findRow(principal.accountId, id);
    const type = row.contentType as DetectedType;
    res.status(200);
    res.setHeader('Content-Type', type);
    res.setHeader('Content-Length', String(row.sizeBytes));
    res.setHeader('Content-Disposition', `attachment; filename="${row.id}.${EXTENSIONS[type]}"`);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    try {
      await this.documents.writeContent(row, res);
      res.end();
    } catch (error) {
      if (!res.headersSent) throw error;
      this.logger.error({ err: safeError(error), document_id: row.id }, 'document download failed after the response started');
      res.destroy();
    }
  }

  @Delete(':id')
  @RequireScope('compliance:write')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a document',
    description: 'Also removes it from draft and rejected bundles. 409 `document_in_use` naming the bundle while a bundle under review or approved uses it; 409 `legal_hold` while the operator holds the account.',
  })
  @ApiNoContentResponse({ description: 'Deleted, binary included.' })
  async delete(@CurrentPrincipal() principal: CustomerPrincipal, @Param('id') id: string): Promise<void> {
    await this.documents.delete(principal.accountId, id);
  }
}
