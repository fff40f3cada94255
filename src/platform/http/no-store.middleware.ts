import type { NextFunction, Request, Response } from 'express';

/** API responses may carry personal data or credentials: never cache them anywhere. */
export function noStore(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('Cache-Control', 'no-store');
  next();
}
