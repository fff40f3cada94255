import type { TLSSocket } from 'node:tls';
import { tlsSocket } from '../support/server-process';
import { startTestApp, type TestApp } from '../support/test-app';

/** Resolves with the milliseconds until the server closed the socket (or rejects after `ms`). */
function closedWithin(socket: TLSSocket, ms: number): Promise<number> {
  const started = Date.now();
  socket.on('error', () => undefined);
  socket.resume();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the server kept the connection open')), ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(Date.now() - started);
    });
  });
}

describe('connection hygiene', () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await startTestApp({
      env: { HTTP_HEADERS_TIMEOUT_MS: '500', HTTP_REQUEST_TIMEOUT_MS: '1500', HTTP_KEEP_ALIVE_TIMEOUT_MS: '500', HTTP_MAX_CONNECTIONS: '5' },
    });
    port = Number(new URL(t.url).port);
  });
  afterAll(async () => {
    await t.close();
  });

  it('closes a connection that sends nothing after the TLS handshake', async () => {
    await closedWithin(await tlsSocket(port), 5000);
  });

  it('closes a connection whose headers never finish', async () => {
    const socket = await tlsSocket(port);
    socket.write('GET /v1/health HTTP/1.1\r\nHost: localhost\r\n');
    await closedWithin(socket, 5000);
  });

  it('closes a connection that trickles its body past the request timeout', async () => {
    const socket = await tlsSocket(port);
    socket.write('POST /v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{');
    const trickle = setInterval(() => socket.writable && socket.write(' '), 200);
    try {
      await closedWithin(socket, 8000);
    } finally {
      clearInterval(trickle);
    }
  });

  it('closes an idle keep-alive connection', async () => {
    const socket = await tlsSocket(port);
    socket.write('GET /v1/health HTTP/1.1\r\nHost: localhost\r\n\r\n');
    await closedWithin(socket, 5000);
  });

  it('drops connections beyond the cap and serves again once they are gone', async () => {
    const held = await Promise.all([1, 2, 3, 4, 5].map(() => tlsSocket(port)));
    await expect(tlsSocket(port)).rejects.toThrow();
    for (const s of held) s.destroy();
    const deadline = Date.now() + 5000;
    for (;;) {
      const res = await t.http().get('/v1/health').then((r) => r.status, () => 0);
      if (res === 200) break;
      if (Date.now() > deadline) throw new Error('not served after the held connections closed');
      await new Promise((r) => setTimeout(r, 50));
    }
  });
});
