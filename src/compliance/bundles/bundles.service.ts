import { Injectable } from '@nestjs/common';
import { ApiError } from '../../platform/errors/api-error';
import { CommonErrors } from '../../platform/errors/common-errors';
import { isIdOf, newId } from '../../platform/ids/ids';
import { CursorCodec } from '../../platform/pagination/cursor';
import { type ListResponse, toListPage } from '../../platform/pagination/list';
import { EventPublisher, type NewEvent } from '../../events/events/event-publisher';
import { ComplianceErrors } from '../compliance-errors';
import { toEndUserFacts } from '../end-users/end-users.service';
import { type DocumentFacts, type Evaluation, evaluateBundle, REQUIREMENTS_VERSION } from '../requirements/requirements';
import { type BundleRow, BundlesRepository, type Tx } from './bundles.repository';
import type { CreateBundleDto, ReviewBundleDto } from './dto/bundle.dto';

export interface BundleResponse {
  id: string;
  object: 'bundle';
  status: string;
  end_user_id: string;
  document_ids: string[];
  country: string;
  number_type: string;
  requirements_version: string;
  evaluation: unknown;
  submitted_at: string | null;
  reviewed_at: string | null;
  review: { reason: string | null; items: unknown } | null;
  created_at: string;
  updated_at: string;
}

export interface EvaluationResponse extends Evaluation {
  object: 'evaluation';
  bundle_id: string;
}

@Injectable()
export class BundlesService {
  constructor(
    private readonly repository: BundlesRepository,
    private readonly cursors: CursorCodec,
    private readonly events: EventPublisher,
  ) {}

  async create(accountId: string, dto: CreateBundleDto): Promise<BundleResponse> {
    const documentIds = [...new Set(dto.document_ids)];
    const result = await this.repository.create({
      id: newId('bundle'),
      accountId,
      endUserId: dto.end_user_id,
      country: dto.country,
      numberType: dto.number_type,
      requirementsVersion: REQUIREMENTS_VERSION,
      documentIds,
    });
    if ('missingEndUser' in result) throw ComplianceErrors.endUserNotFound('end_user_id');
    if ('missingDocument' in result) {
      throw ComplianceErrors.documentNotFound(`document_ids[${dto.document_ids.indexOf(result.missingDocument)}]`);
    }
    if ('erasedDocument' in result) {
      throw ComplianceErrors.documentSubjectErased(`document_ids[${dto.document_ids.indexOf(result.erasedDocument)}]`);
    }
    return toBundleResponse(result.row);
  }

  async list(accountId: string, query: { limit?: number; cursor?: string }): Promise<ListResponse<BundleResponse>> {
    const limit = query.limit ?? 20;
    const scope = `bundles:${accountId}`;
    const after = query.cursor ? this.cursors.decodePosition(scope, query.cursor) : null;
    const rows = await this.repository.list(accountId, after, limit);
    return toListPage(rows, limit, toBundleResponse, (r) => this.cursors.encodePosition(scope, r.createdAt, r.id));
  }

  async get(accountId: string, id: string): Promise<BundleResponse> {
    return toBundleResponse(await this.findRow(accountId, id));
  }

  /** Judges the bundle against the current table; changes nothing. */
  async evaluate(accountId: string, id: string): Promise<EvaluationResponse> {
    const row = await this.findRow(accountId, id);
    const evaluation = await this.evaluateRow(this.repository.reader(), row);
    return { object: 'evaluation', bundle_id: row.id, ...evaluation };
  }

  /** Evaluates and, if compliant, moves draft → pending_review; 422 with the same results otherwise. */
  async submit(accountId: string, id: string): Promise<BundleResponse> {
    if (!isIdOf('bundle', id)) throw ComplianceErrors.bundleNotFound();
    const outcome = await this.repository.withLockedBundle(accountId, id, async (tx, status) => {
      if (status !== 'draft') return { error: ComplianceErrors.bundleNotDraft(status) };
      const row = (await this.repository.findIn(tx, id))!;
      const evaluation = await this.evaluateRow(tx, row);
      if (evaluation.result !== 'compliant') return { error: ComplianceErrors.noncompliant(evaluation) };
      const at = new Date();
      if (!(await this.repository.markSubmitted(tx, id, evaluation, at))) {
        return { error: ComplianceErrors.bundleNotDraft('no longer a draft') };
      }
      await this.events.publish(tx, { type: 'bundle.submitted', accountId, resourceId: id, data: { bundle_id: id, end_user_id: row.endUserId, status: 'pending_review', submitted_at: at.toISOString() } });
      return { row: (await this.repository.findIn(tx, id))! };
    });
    if (!outcome) throw ComplianceErrors.bundleNotFound();
    if ('error' in outcome) throw outcome.error as ApiError;
    return toBundleResponse(outcome.row);
  }

  /**
   * Operator review: pending_review → approved | rejected, with reasons per item. Runs under the
   * same locks as submit; an approval re-evaluates the data as it is now and refuses (422, the
   * bundle stays pending review) when it no longer meets the requirements.
   */
  async review(id: string, decision: 'approved' | 'rejected', dto: ReviewBundleDto): Promise<BundleRow> {
    const row = isIdOf('bundle', id) ? await this.repository.findAnyAccount(id) : null;
    if (!row) throw ComplianceErrors.bundleNotFound();
    if (decision === 'rejected' && !dto.reason) throw ComplianceErrors.fieldRequired('reason', 'reason is required to reject a bundle.');
    const items = dto.items ?? [];
    const docIds = new Set(row.documents.map((d) => d.documentId));
    items.forEach((item, i) => {
      if (item.item.startsWith('doc_') && !docIds.has(item.item)) {
        throw CommonErrors.invalidParam(`items[${i}].item`, `items[${i}].item is not a document of this bundle.`);
      }
    });
    const at = new Date();
    const outcome = await this.repository.withLockedBundle(null, id, async (tx, status) => {
      if (status !== 'pending_review') return { error: ComplianceErrors.bundleNotPendingReview(status) };
      if (decision === 'approved') {
        const evaluation = await this.evaluateRow(tx, (await this.repository.findIn(tx, id))!);
        if (evaluation.result !== 'compliant') return { error: ComplianceErrors.noLongerCompliant(evaluation) };
      }
      await this.repository.review(tx, id, { status: decision, reason: dto.reason ?? null, items, at });
      const reviewed = (await this.repository.findIn(tx, id))!;
      await this.events.publish(tx, reviewEvent(reviewed.accountId, id, decision, dto.reason ?? null, items, at));
      return { row: reviewed };
    });
    if (!outcome) throw ComplianceErrors.bundleNotFound();
    if ('error' in outcome) throw outcome.error as ApiError;
    return outcome.row;
  }

  async adminGet(id: string): Promise<{ row: BundleRow; endUser: { type: string; addressCountry: string } | null; documents: Awaited<ReturnType<BundlesRepository['documentFacts']>> }> {
    const row = isIdOf('bundle', id) ? await this.repository.findAnyAccount(id) : null;
    if (!row) throw ComplianceErrors.bundleNotFound();
    const eu = await this.repository.endUserRow(this.repository.reader(), row.endUserId);
    const documents = await this.repository.documentFacts(this.repository.reader(), row.id);
    return { row, endUser: eu ? { type: eu.type, addressCountry: eu.addressCountry } : null, documents };
  }

  private async findRow(accountId: string, id: string): Promise<BundleRow> {
    const row = isIdOf('bundle', id) ? await this.repository.find(accountId, id) : null;
    if (!row) throw ComplianceErrors.bundleNotFound();
    return row;
  }

  private async evaluateRow(db: Tx, row: BundleRow): Promise<Evaluation> {
    const endUser = (await this.repository.endUserRow(db, row.endUserId))!;
    const documents: DocumentFacts[] = (await this.repository.documentFacts(db, row.id)).map((d) => ({
      id: d.id,
      type: d.type as DocumentFacts['type'],
      endUserId: d.endUserId,
      subjectErased: d.subjectErasedAt !== null,
    }));
    return evaluateBundle({ country: row.country, number_type: row.numberType }, toEndUserFacts(endUser), documents);
  }
}

function reviewEvent(accountId: string, id: string, decision: 'approved' | 'rejected', reason: string | null, items: { item: string; reason: string }[], at: Date): NewEvent {
  return decision === 'approved'
    ? { type: 'bundle.approved', accountId, resourceId: id, data: { bundle_id: id, status: 'approved', reviewed_at: at.toISOString() } }
    : { type: 'bundle.rejected', accountId, resourceId: id, data: { bundle_id: id, status: 'rejected', reviewed_at: at.toISOString(), reason, items } };
}

export function toBundleResponse(row: BundleRow): BundleResponse {
  return {
    id: row.id,
    object: 'bundle',
    status: row.status,
    end_user_id: row.endUserId,
    document_ids: row.documents.map((d) => d.documentId),
    country: row.country,
    number_type: row.numberType,
    requirements_version: row.requirementsVersion,
    evaluation: row.evaluation ?? null,
    submitted_at: row.submittedAt?.toISOString() ?? null,
    reviewed_at: row.reviewedAt?.toISOString() ?? null,
    review: row.reviewedAt ? { reason: row.reviewReason, items: row.reviewItems ?? [] } : null,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}
