import { BlockList, isIP, type Socket } from 'node:net';
import type { NextFunction, Request, Response } from 'express';
import { CommonErrors } from '../errors/common-errors';
import { sendApiError } from '../errors/error-response';
import { requestIdOf } from '../request/request-context';

export function buildBlockList(entries: string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address, bits] = entry.split('/');
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(bits), family);
  }
  return list;
}

export function isTrusted(list: BlockList, address: string | undefined): boolean {
  if (!address) return false;
  const mapped = address.startsWith('::ffff:') ? address.slice(7) : address;
  return list.check(mapped, isIP(mapped) === 6 ? 'ipv6' : 'ipv4');
}

const TRUSTED_PEER = Symbol('didhub.trustedPeer');
type CheckedSocket = Socket & { [TRUSTED_PEER]?: boolean };

/**
 * TRUST_PROXY mode: a request is served only if it came from a trusted proxy that says the
 * client used HTTPS. Runs before anything reads a credential from the request. The peer
 * address of a connection never changes, so it is checked once per connection, not per request.
 */
export function httpsOnlyBehindProxy(trusted: string[]) {
  const list = buildBlockList(trusted);
  return (req: Request, res: Response, next: NextFunction): void => {
    const socket = req.socket as CheckedSocket;
    const trustedPeer = (socket[TRUSTED_PEER] ??= isTrusted(list, socket.remoteAddress));
    const proto = String(req.headers['x-forwarded-proto'] ?? '').split(',')[0].trim().toLowerCase();
    if (trustedPeer && proto === 'https') {
      next();
      return;
    }
    sendApiError(res, CommonErrors.httpsRequired(), requestIdOf(req));
  };
}
