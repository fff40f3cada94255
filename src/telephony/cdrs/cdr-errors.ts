import { ApiError, type ApiErrorBody, apiError } from '../../platform/errors/api-error';
import { CommonErrors } from '../../platform/errors/common-errors';
import type { CdrFieldError } from './cdr-record';

/** How many problems a rejected batch lists; the count says how many there were in all. */
export const MAX_LISTED_ERRORS = 100;

export interface CdrBatchErrorBody extends ApiErrorBody {
  errors: { param: string; message: string }[];
  error_count: number;
}

export function cdrParam(error: Pick<CdrFieldError, 'index' | 'field'>): string {
  return `cdrs[${error.index}]${error.field ? `.${error.field}` : ''}`;
}

export const CdrErrors = {
  notFound: () => CommonErrors.notFound('CDR'),
  tooManyExports: (limit: number) =>
    apiError(429, 'too_many_exports', `At most ${limit} exports may run at once for an account; retry when one has finished.`, {
      headers: { 'Retry-After': '10' },
    }),
  /** The whole batch is refused; every problem (up to a limit) is named by record index and field. */
  batchInvalid: (problems: CdrFieldError[]): ApiError => {
    const sorted = [...problems].sort((a, b) => a.index - b.index);
    const listed = sorted.slice(0, MAX_LISTED_ERRORS).map((p) => ({ param: cdrParam(p), message: `${cdrParam(p)} ${p.message}.` }));
    const first = listed[0];
    const more = sorted.length > 1 ? ` (${sorted.length} problems in all; nothing was stored)` : ' (nothing was stored)';
    const body: CdrBatchErrorBody = {
      type: 'invalid_request_error',
      code: 'parameter_invalid',
      message: `${first.message}${more}`,
      param: first.param,
      errors: listed,
      error_count: sorted.length,
    };
    return new ApiError(400, body);
  },
};
