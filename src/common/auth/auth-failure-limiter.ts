import type { Request, Response } from 'express';

/**
 * Spends the caller's unauthenticated (per-IP) budget when authentication fails, so guessing
 * keys, cookies or the operator token is rate limited like any anonymous traffic. Throws the
 * 429 once that budget is gone. Bound by the throttling module.
 */
export abstract class AuthFailureLimiter {
  abstract spendOnFailure(req: Request, res: Response): Promise<void>;
}
