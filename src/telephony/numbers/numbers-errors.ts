import { ApiError, apiError, type ApiErrorBody } from '../../platform/errors/api-error';
import { CommonErrors } from '../../platform/errors/common-errors';

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
  invalidNumber: () =>
    apiError(400, 'parameter_invalid', 'e164 is not a number any numbering plan assigns (check the country code and length).', { param: 'e164' }),
  notCanonical: (canonical: string) =>
    apiError(400, 'parameter_invalid', `e164 must be written in E.164 form: ${canonical}.`, { param: 'e164' }),
  unsupportedType: (kind: string) =>
    apiError(400, 'number_type_unsupported', `e164 is a ${kind.toLowerCase().replace(/_/g, ' ')} number; those are not offered.`, { param: 'e164' }),
  countryMismatch: (declared: string, actual: string) =>
    apiError(400, 'parameter_invalid', `country is ${declared}, but e164 is a number of ${actual}.`, { param: 'country' }),
  numberTypeMismatch: (declared: string, actual: string) =>
    apiError(400, 'parameter_invalid', `number_type is ${declared}, but e164 is a ${actual} number.`, { param: 'number_type' }),
};
