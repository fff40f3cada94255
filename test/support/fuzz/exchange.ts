import { rawExchange, rawRequest } from '../raw-http';

export interface Answer {
  /** Null when the connection closed without an answer. */
  status: number | null;
  headers: Record<string, string>;
  body: Buffer;
  ended: 'closed' | 'timeout';
  ms: number;
}

export interface Exchange {
  method: string;
  target: string;
  headers: Record<string, string>;
  body: Buffer | null;
  /** Defaults to the body's length; a number that differs from it lies on purpose. */
  contentLength?: number | null;
  /** Send only this many bytes of the body. */
  sendBytes?: number;
  halfClose?: boolean;
}

/**
 * One request over its own TLS connection, bytes exactly as given (a client library would
 * normalise `..` and `%2e%2e`, encode the target and fix Content-Length), with
 * `Connection: close` so a streamed answer ends when the server closes.
 */
export async function exchange(url: string, req: Exchange, timeoutMs = 5000): Promise<Answer> {
  const body = req.body ?? Buffer.alloc(0);
  const contentLength = req.contentLength !== undefined ? req.contentLength : req.body ? body.length : null;
  const sent = req.sendBytes !== undefined ? body.subarray(0, req.sendBytes) : body;
  const bytes = rawRequest(req.method, req.target, { Connection: 'close', ...req.headers }, sent, contentLength);
  const started = performance.now();
  const raw = await rawExchange(url, bytes, { halfClose: req.halfClose, timeoutMs });
  const ms = performance.now() - started;
  return { ...parseRawAnswer(raw.text), status: raw.status, ended: raw.ended, ms };
}

/** Headers (lower-cased names) and body (de-chunked) of an answer read as latin-1 text. */
export function parseRawAnswer(text: string): { headers: Record<string, string>; body: Buffer } {
  const raw = Buffer.from(text, 'latin1');
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) return { headers: {}, body: Buffer.alloc(0) };
  const headers: Record<string, string> = {};
  for (const line of raw.subarray(0, end).toString('latin1').split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body: Buffer = raw.subarray(end + 4);
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) body = dechunk(body);
  return { headers, body };
}

function dechunk(data: Buffer): Buffer {
  const out: Buffer[] = [];
  let at = 0;
  while (at < data.length) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd < 0) break;
    const size = parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    out.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(out);
}
