import type { Request, Response } from 'express';

/**
 * Spends budget for a request the guard refused: the principal's (account) budget when the
 * request was identified before being refused (CSRF, session-only, missing scope), else the
 * caller's unauthenticated (per-IP) budget, so guessing keys, cookies or the operator token is
 * rate limited like any anonymous traffic. Throws the 429 once that budget is gone. Bound by
 * the throttling module.
 */
export abstract class AuthFailureLimiter {
  abstract spendOnFailure(req: Request, res: Response): Promise<void>;
}
