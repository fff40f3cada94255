import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiTooManyRequestsResponse } from '@nestjs/swagger';

export const AUTH_RATE_LIMIT = 'didhub:auth-rate-limit';
export const NO_RATE_LIMIT = 'didhub:no-rate-limit';

/**
 * Sign-in, signup, verification, password and MFA endpoints: the tight per-client-IP budget
 * RATE_LIMIT_AUTH_PER_MINUTE (policy "auth") instead of the per-account or anonymous one.
 */
export const AuthRateLimit = () =>
  applyDecorators(
    SetMetadata(AUTH_RATE_LIMIT, true),
    ApiTooManyRequestsResponse({
      description: 'Over the per-IP budget for sign-in and account-recovery endpoints (policy "auth"); see Retry-After.',
    }),
  );

/** Not rate limited at all (health probes). */
export const NoRateLimit = () => SetMetadata(NO_RATE_LIMIT, true);
