import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { MailOutbox } from '../../src/platform/mail/mail-outbox';
import { uniqueEmail } from '../support/seed';
import { startTestApp, type TestApp } from '../support/test-app';

interface ReceivedMail {
  to: string[];
  raw: string;
}

/** A real SMTP server on `port` keeping what it receives. */
async function startSmtpServer(port: number): Promise<{ server: SMTPServer; received: ReceivedMail[] }> {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, received };
}

/** Accepts connections and never says a word: the SMTP greeting never comes. */
async function startHangingServer(): Promise<{ server: Server; port: number; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, sockets };
}

async function waitFor<T>(find: () => T | undefined | Promise<T | undefined>, ms: number, what: string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = await find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const SMTP_TIMEOUT_MS = 5_000;

describe('a hanging SMTP server', () => {
  let t: TestApp;
  let hanging: Awaited<ReturnType<typeof startHangingServer>>;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>> | null = null;
  const logs: string[] = [];

  beforeAll(async () => {
    hanging = await startHangingServer();
    t = await startTestApp({
      captureLogs: logs,
      env: {
        SMTP_URL: `smtp://127.0.0.1:${hanging.port}`,
        SMTP_TIMEOUT_MS: String(SMTP_TIMEOUT_MS),
        MAIL_RETRY_BASE_SECONDS: '1',
        MAIL_OUTBOX_POLL_MS: '100',
        LOG_LEVEL: 'info',
      },
    });
  });
  afterAll(async () => {
    await t.close();
    for (const s of hanging.sockets) s.destroy();
    await new Promise<void>((resolve) => hanging.server.close(() => resolve()));
    if (smtp) await new Promise<void>((resolve) => smtp!.server.close(() => resolve()));
  });

  it('never holds a sign-up; the verification mail waits in the outbox (encrypted) and arrives once SMTP is back', async () => {
    const email = uniqueEmail('hang');
    // Only this test's mail: on a shared PostgreSQL database other suites may have left some.
    const since = new Date(Date.now() - 1000);
    const mine = { createdAt: { gte: since } };
    await t.http().post('/v1/auth/signup').send({ email, password: 'a sturdy passphrase 42', name: 'H', account_name: 'H' }).expect(202);
    // The answer came while the first delivery attempt was still unfinished (it can only end by
    // the SMTP timeout against this server): the request did not wait for it.
    const [queued] = await t.prisma.mailOutbox.findMany({ where: mine });
    expect(queued).toBeDefined();
    expect(queued.lastErrorCode).toBeNull();
    expect(queued.payloadEnc).not.toContain(email);
    expect(queued.payloadEnc).toMatch(/^v1\./);

    // The first attempt times out against the silent server and is scheduled for a retry.
    await waitFor(async () => ((await t.prisma.mailOutbox.findFirst({ where: { ...mine, lastErrorCode: { not: null } } })) ? true : undefined), SMTP_TIMEOUT_MS + 10_000, 'a failed attempt');
    expect(logs.some((l) => l.includes('mail delivery failed; will retry') && !l.includes(email))).toBe(true);

    // SMTP comes back on the same address.
    for (const s of hanging.sockets) s.destroy();
    await new Promise<void>((resolve) => hanging.server.close(() => resolve()));
    smtp = await startSmtpServer(hanging.port);

    const mail = await waitFor(() => smtp!.received.find((m) => m.to.includes(email)), 20_000, 'the verification mail');
    expect(mail.raw).toMatch(/^Subject: Verify your DIDHub email address$/m);
    await waitFor(async () => ((await t.prisma.mailOutbox.count({ where: mine })) === 0 ? true : undefined), 5_000, 'the outbox to empty');

    // Exactly once, even if the worker runs again.
    await t.app.get(MailOutbox).drain();
    expect(smtp.received.filter((m) => m.to.includes(email))).toHaveLength(1);
  });
});
