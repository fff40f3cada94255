import { ApiError, apiError, type ApiErrorBody } from '../platform/errors/api-error';
import { CommonErrors } from '../platform/errors/common-errors';
import type { Evaluation } from './requirements/requirements';

export interface NoncompliantErrorBody extends ApiErrorBody, Pick<Evaluation, 'result' | 'results' | 'requirements_version'> {}

/** Error codes of the compliance module. Messages never carry the personal data they are about. */
export const ComplianceErrors = {
  endUserNotFound: (param?: string) =>
    param ? apiError(404, 'resource_missing', 'No such end-user.', { param }) : CommonErrors.notFound('end-user'),
  documentNotFound: (param?: string) =>
    param ? apiError(404, 'resource_missing', 'No such document.', { param }) : CommonErrors.notFound('document'),
  bundleNotFound: () => CommonErrors.notFound('bundle'),
  fieldNotForType: (field: string, type: string) =>
    apiError(400, 'parameter_invalid', `${field} is not a field of ${type} end-users.`, { param: field }),
  fieldRequired: (field: string, message = `${field} is required.`) =>
    apiError(400, 'parameter_missing', message, { param: field }),
  typeImmutable: () =>
    apiError(400, 'parameter_invalid', 'type cannot be changed; create a new end-user instead.', { param: 'type' }),
  endUserLocked: (bundleId: string) =>
    apiError(
      409,
      'end_user_locked',
      `This end-user backs bundle ${bundleId}, which is under review or approved, so it is read-only. Create a new end-user and bundle to change it.`,
    ),
  documentInUse: (bundleId: string) =>
    apiError(
      409,
      'document_in_use',
      `This document backs bundle ${bundleId}, which is under review or approved, so it cannot be deleted.`,
    ),
  legalHold: () =>
    apiError(409, 'legal_hold', 'The account is under a legal hold: its compliance records cannot be deleted until the hold is lifted.'),
  notMultipart: () =>
    apiError(415, 'unsupported_media_type', 'Upload the document as multipart/form-data with a "file" part.'),
  malformedMultipart: () => apiError(400, 'malformed_multipart', 'The multipart body could not be read.'),
  unexpectedPart: (name: string) =>
    apiError(400, 'unknown_parameter', `Unknown form field: ${name.slice(0, 40)}. Send file, type and optionally end_user_id.`, {
      param: name.slice(0, 40),
    }),
  fileMissing: () => apiError(400, 'parameter_missing', 'The "file" part is missing.', { param: 'file' }),
  fileEmpty: () => apiError(400, 'file_empty', 'The uploaded file is empty.', { param: 'file' }),
  fileTooLarge: (limit: number) =>
    apiError(413, 'file_too_large', `The uploaded file exceeds the limit of ${limit} bytes.`, { param: 'file' }),
  fileTypeUnsupported: () =>
    apiError(415, 'file_type_unsupported', 'Only PDF, JPEG and PNG files are accepted (recognised by their content).', {
      param: 'file',
    }),
  fileCorrupt: (kind: string, reason?: string) =>
    apiError(422, 'file_malformed', `The file starts like a ${kind} but is not a complete ${kind} file${reason ? `: ${reason}` : ''}.`, {
      param: 'file',
    }),
  fileTrailingData: (kind: string, end: string) =>
    apiError(422, 'file_trailing_data', `The ${kind} file has data after its end (${end}); upload the file without appended content.`, {
      param: 'file',
    }),
  pdfEncrypted: () =>
    apiError(422, 'file_encrypted', 'Password-protected (encrypted) PDFs cannot be reviewed; upload an unprotected copy.', {
      param: 'file',
    }),
  bundleNotDraft: (status: string) =>
    apiError(409, 'bundle_not_draft', `The bundle is ${status}; only a draft bundle can be submitted.`),
  bundleNotPendingReview: (status: string) =>
    apiError(409, 'bundle_not_pending_review', `The bundle is ${status}; only a bundle pending review can be approved or rejected.`),
  documentSubjectErased: (param: string) =>
    apiError(
      422,
      'document_subject_erased',
      'The end-user this document was filed under has been erased; it stays only for the bundles that already used it and cannot back a new one.',
      { param },
    ),
  /** Approval re-evaluates: a bundle whose data no longer meets the table is refused, and stays pending review. */
  noLongerCompliant: (evaluation: Evaluation): ApiError => noncompliantError(evaluation, 'Nothing was approved; reject it instead.'),
  noncompliant: (evaluation: Evaluation): ApiError => noncompliantError(evaluation, 'Nothing was submitted.'),
};

function noncompliantError(evaluation: Evaluation, outcome: string): ApiError {
  const failed = evaluation.results.filter((r) => !r.passed).map((r) => r.requirement);
  const body: NoncompliantErrorBody = {
    type: 'invalid_request_error',
    code: 'bundle_noncompliant',
    message: `The bundle does not meet the requirements: ${failed.join(', ')}. ${outcome}`,
    result: evaluation.result,
    requirements_version: evaluation.requirements_version,
    results: evaluation.results,
  };
  return new ApiError(422, body);
}
