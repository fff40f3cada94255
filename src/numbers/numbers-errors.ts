import { ApiError, apiError, type ApiErrorBody } from '../common/errors/api-error';
import { CommonErrors } from '../common/errors/common-errors';

export interface BundleRequiredErrorBody extends ApiErrorBody {
  missing: { requirement: string; reason: string }[];
}

export const NumberErrors = {
  notFound: () => CommonErrors.notFound('number'),
  /** 422 listing what is missing; never a 500 for an absent, foreign or unapproved bundle. */
  bundleRequired: (missing: { requirement: string; reason: string }[]): ApiError => {
    const body: BundleRequiredErrorBody = {
      type: 'invalid_request_error',
      code: 'bundle_required',
      message: `This number needs an approved bundle: ${missing.map((m) => m.reason).join(' ')}`,
      param: 'bundle_id',
      missing,
    };
    return new ApiError(422, body);
  },
  alreadyAssigned: () => apiError(409, 'number_unavailable', 'This number is already active.', { param: 'e164' }),
  alreadyReleased: () => apiError(409, 'number_released', 'This number has already been released.'),
  countryMismatch: (country: string) =>
    apiError(400, 'parameter_invalid', `e164 is not a number of ${country}.`, { param: 'e164' }),
};
