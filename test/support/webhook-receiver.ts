import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  /** The raw body, byte for byte as sent (what a verifier must see). */
  body: string;
  path: string;
}

/** How the receiver answers one request: status, headers, or hang (never answer). */
export type Answer = { status: number; headers?: Record<string, string>; body?: string } | 'hang';

export interface WebhookReceiver {
  url: string;
  port: number;
  /** PEM file of the receiver's self-signed certificate (the app trusts it via WEBHOOK_CA_FILE). */
  caFile: string;
  received: ReceivedWebhook[];
  /** Answers for the next requests to `path`, in order; after them (and for other paths), 200. */
  script(path: string, ...answers: Answer[]): void;
  /** Resolves once `count` requests (in total) satisfy `filter`. */
  waitFor(count: number, filter?: (w: ReceivedWebhook) => boolean, ms?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

/** A real HTTPS webhook receiver on 127.0.0.1 with a certificate made for the test. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const pems = generate([{ name: 'commonName', value: 'localhost' }], {
    days: 2,
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] },
    ],
  });
  const dir = mkdtempSync(join(tmpdir(), 'didhub-receiver-'));
  const caFile = join(dir, 'receiver.pem');
  writeFileSync(caFile, pems.cert);
  const received: ReceivedWebhook[] = [];
  const scripts = new Map<string, Answer[]>();
  const hanging = new Set<ServerResponse>();
  const waiters = new Set<() => void>();
  const server: Server = createServer({ key: pems.private, cert: pems.cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), path: req.url ?? '/' });
      for (const w of waiters) w();
      const answer = scripts.get(req.url ?? '/')?.shift() ?? { status: 200 };
      if (answer === 'hang') {
        hanging.add(res);
        return;
      }
      res.writeHead(answer.status, answer.headers ?? {});
      res.end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}/hooks`,
    port,
    caFile,
    received,
    script: (path, ...answers) => scripts.set(path, [...(scripts.get(path) ?? []), ...answers]),
    waitFor: (count, filter = () => true, ms = 15_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const matching = received.filter(filter);
          if (matching.length >= count) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve(matching);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`receiver got ${received.filter(filter).length} of ${count} expected webhooks`));
        }, ms);
        waiters.add(check);
        check();
      }),
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
