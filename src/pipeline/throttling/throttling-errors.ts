import { apiError } from '../../platform/errors/api-error';

export const ThrottlingErrors = {
  rateLimited: (policy: string, retryAfterSeconds: number) =>
    apiError(
      429,
      'rate_limited',
      `Too many requests for the "${policy}" budget. Retry after ${retryAfterSeconds} seconds.`,
      { headers: { 'Retry-After': String(retryAfterSeconds) } },
    ),
};
