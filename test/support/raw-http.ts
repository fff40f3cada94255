import { connect as tlsConnect } from 'node:tls';

export interface RawAnswer {
  /** The status code, or null when the connection closed without an answer. */
  status: number | null;
  text: string;
  /** How the exchange ended: the server closed, or we gave up waiting. */
  ended: 'closed' | 'timeout';
}

/**
 * Sends bytes exactly as given over TLS (headers and body as one buffer, nothing fixed up by a
 * client library), half-closes when `halfClose` is set, and collects whatever the server answers.
 */
export function rawExchange(url: string, bytes: Buffer, options: { halfClose?: boolean; timeoutMs?: number } = {}): Promise<RawAnswer> {
  const { port, hostname } = new URL(url);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (ended: RawAnswer['ended']) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
      resolve({ status: m ? Number(m[1]) : null, text, ended });
    };
    const socket = tlsConnect({ host: hostname, port: Number(port), rejectUnauthorized: false }, () => {
      socket.write(bytes);
      if (options.halfClose) socket.end();
    });
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      // One complete answer is enough: the body of our error answers is small JSON.
      const text = Buffer.concat(chunks).toString('latin1');
      const head = text.indexOf('\r\n\r\n');
      const len = /\r\ncontent-length: (\d+)/i.exec(text);
      if (head >= 0 && len && Buffer.byteLength(text.slice(head + 4), 'latin1') >= Number(len[1])) finish('closed');
    });
    socket.on('error', () => finish('closed'));
    socket.on('close', () => finish('closed'));
    const timer = setTimeout(() => finish('timeout'), options.timeoutMs ?? 5000);
  });
}

/** A request's head and body as raw bytes; `contentLength` may lie on purpose. */
export function rawRequest(
  method: string,
  path: string,
  headers: Record<string, string>,
  body: Buffer,
  contentLength: number | null = body.length,
): Buffer {
  const lines = [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  if (contentLength !== null) lines.push(`Content-Length: ${contentLength}`);
  return Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1'), body]);
}
