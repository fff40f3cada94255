import type { Request } from 'express';

/**
 * The caller's address. Express's `trust proxy` (set from TRUST_PROXY) makes `req.ip` honour
 * X-Forwarded-For only when the hop it came from is a trusted proxy.
 */
export function clientIp(req: Request): string | null {
  const ip = req.ip ?? req.socket.remoteAddress ?? null;
  return ip && ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}
