import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request } from 'node:https';
import type { LookupFunction, Socket } from 'node:net';
import { ipLiteralHost, isPrivateAddress } from '../webhook-endpoints/address-policy';

/** Bytes of a receiver's answer read at most; the rest is cut off (and nothing of it is stored). */
export const MAX_RESPONSE_BYTES = 64 * 1024;

export type AttemptErrorClass =
  | 'http_status'
  | 'redirect'
  | 'timeout'
  | 'connection'
  | 'tls'
  | 'dns'
  | 'private_address'
  | 'response_too_large';

export interface SendOutcome {
  ok: boolean;
  statusCode: number | null;
  latencyMs: number;
  errorClass: AttemptErrorClass | null;
  retryAfter: string | undefined;
}

export interface SendOptions {
  allowPrivate: boolean;
  connectTimeoutMs: number;
  responseTimeoutMs: number;
  ca: string | undefined;
}

class SendError extends Error {
  constructor(readonly errorClass: AttemptErrorClass) {
    super(errorClass);
  }
}

/**
 * POSTs one signed webhook. The address is checked where it matters — the one the socket
 * actually connected to, after DNS — so a name resolving to 127.0.0.1 or a rebinding trick is
 * refused as well as a literal. Redirects are not followed (a 3xx is a failed attempt).
 */
export function sendWebhook(url: string, headers: Record<string, string>, body: string, options: SendOptions): Promise<SendOutcome> {
  const started = process.hrtime.bigint();
  const elapsed = () => Number((process.hrtime.bigint() - started) / 1_000_000n);
  const target = new URL(url);
  const literal = ipLiteralHost(target);
  if (literal && !options.allowPrivate && isPrivateAddress(literal)) {
    return Promise.resolve({ ok: false, statusCode: null, latencyMs: 0, errorClass: 'private_address', retryAfter: undefined });
  }

  // Resolves all addresses and hands the socket the first allowed one.
  const lookup: LookupFunction = (hostname, lookupOptions, callback) => {
    dnsLookup(hostname, { all: true, family: lookupOptions.family, hints: lookupOptions.hints }, (error, addresses) => {
      if (error) return callback(new SendError('dns'), '', 0);
      const list = addresses;
      const allowed = options.allowPrivate ? list : list.filter((a) => !isPrivateAddress(a.address));
      if (!allowed.length) return callback(new SendError('private_address'), '', 0);
      if ((lookupOptions as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, allowed);
      callback(null, allowed[0].address, allowed[0].family);
    });
  };

  return new Promise<SendOutcome>((resolve) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (outcome: Omit<SendOutcome, 'latencyMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve({ ...outcome, latencyMs: elapsed() });
    };
    const fail = (errorClass: AttemptErrorClass, statusCode: number | null = null) =>
      finish({ ok: false, statusCode, errorClass, retryAfter: undefined });

    const req = request(target, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'DIDHub-Webhooks/1' },
      agent: false,
      lookup,
      ca: options.ca,
      minVersion: 'TLSv1.2',
    });
    timer = setTimeout(() => fail('timeout'), options.connectTimeoutMs);
    req.on('socket', (socket: Socket) => {
      socket.once('connect', () => {
        // The address really connected to, whatever resolved it.
        if (!options.allowPrivate && (!socket.remoteAddress || isPrivateAddress(socket.remoteAddress))) return fail('private_address');
      });
      socket.once('secureConnect', () => {
        clearTimeout(timer);
        timer = setTimeout(() => fail('timeout'), options.responseTimeoutMs);
      });
    });
    req.on('error', (error: Error & { code?: string }) => {
      if (error instanceof SendError) return fail(error.errorClass);
      const code = error.code ?? '';
      if (code.startsWith('ERR_TLS') || code.includes('CERT') || code.startsWith('ERR_SSL') || /certificate|ssl|tls/i.test(error.message)) return fail('tls');
      if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return fail('dns');
      fail('connection');
    });
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      const retryAfter = typeof res.headers['retry-after'] === 'string' ? res.headers['retry-after'] : undefined;
      let received = 0;
      res.on('data', (chunk: Buffer) => {
        received += chunk.length;
        // Cut off: the answer is not needed beyond its status, and is never stored. A 2xx still
        // counts as delivered; the attempt notes the oversized answer.
        if (received > MAX_RESPONSE_BYTES) finish({ ok: status >= 200 && status < 300, statusCode: status, errorClass: 'response_too_large', retryAfter });
      });
      res.on('end', () => {
        if (status >= 200 && status < 300) return finish({ ok: true, statusCode: status, errorClass: null, retryAfter });
        finish({ ok: false, statusCode: status, errorClass: status >= 300 && status < 400 ? 'redirect' : 'http_status', retryAfter });
      });
      res.on('error', () => fail('connection', status));
    });
    req.end(body);
  });
}
