import type { Principal } from '../request/principal';

/**
 * The step-up check of `@SessionOnly({ recentAuth: true })`, for the few actions that need it
 * only for some of their inputs (PATCH /v1/account with `mfa_policy`). The auth feature
 * implements it; callers reach it here without importing auth.
 */
export abstract class RecentAuthCheck {
  /** Throws 403 reauthentication_required unless the session signed in or stepped up within 10 minutes (with its second factor, if any). */
  abstract assert(principal: Principal): Promise<void>;
}
