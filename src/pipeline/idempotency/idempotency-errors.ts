import { apiError } from '../../platform/errors/api-error';
import { IDEMPOTENCY_HEADER } from './request-fingerprint';

export const IdempotencyErrors = {
  invalidKey: () =>
    apiError(400, 'parameter_invalid', `${IDEMPOTENCY_HEADER} must be 1 to 255 visible ASCII characters.`, {
      param: IDEMPOTENCY_HEADER,
    }),
  keyReused: () =>
    apiError(
      422,
      'idempotency_key_reused',
      `This ${IDEMPOTENCY_HEADER} was already used for a different request (method, path or body). Use a new key for a new request.`,
      { type: 'idempotency_error', param: IDEMPOTENCY_HEADER },
    ),
  inProgress: (retryAfterSeconds: number) =>
    apiError(
      409,
      'idempotency_request_in_progress',
      `A request with this ${IDEMPOTENCY_HEADER} is still being processed. Retry after it completes.`,
      { type: 'idempotency_error', headers: { 'Retry-After': String(retryAfterSeconds) } },
    ),
};
