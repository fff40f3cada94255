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

/** Liveness and readiness: the only paths a health probe may reach over plain HTTP. */
const PROBE_PATHS = new Set(['/v1/health', '/v1/health/ready']);

/** Loopback (the image's own HEALTHCHECK) is always a probe source. */
const LOOPBACK = ['127.0.0.0/8', '::1'];

/**
 * TRUST_PROXY mode: a request is served only if it came from a trusted proxy that says the
 * client used HTTPS. Runs before anything reads a credential from the request. The peer
 * address of a connection never changes, so it is checked once per connection, not per request.
 *
 * One exception: a GET of liveness or readiness from loopback or a PROBE_SOURCES address (the
 * container's HEALTHCHECK, a kubelet) is answered without TLS. Those answers carry no
 * credential and no personal data; every other path from those addresses is still refused.
 */
export function httpsOnlyBehindProxy(trusted: string[], probeSources: string[] = []) {
  const list = buildBlockList(trusted);
  const probes = buildBlockList([...LOOPBACK, ...probeSources]);
  return (req: Request, res: Response, next: NextFunction): void => {
    const socket = req.socket as CheckedSocket;
    const trustedPeer = (socket[TRUSTED_PEER] ??= isTrusted(list, socket.remoteAddress));
    const proto = String(req.headers['x-forwarded-proto'] ?? '').split(',')[0].trim().toLowerCase();
    if (trustedPeer && proto === 'https') {
      next();
      return;
    }
    if (isProbe(req) && isTrusted(probes, socket.remoteAddress)) {
      next();
      return;
    }
    sendApiError(res, CommonErrors.httpsRequired(), requestIdOf(req));
  };
}

function isProbe(req: Request): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const query = req.url.indexOf('?');
  return PROBE_PATHS.has(query === -1 ? req.url : req.url.slice(0, query));
}
