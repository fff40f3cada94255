import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { seedUser, sessionClient, uniqueEmail } from '../support/seed';
import { startTestApp, type TestApp } from '../support/test-app';

interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
}

/** A real SMTP server on 127.0.0.1, plain (no STARTTLS, no AUTH), keeping what it receives. */
async function startSmtpServer(): Promise<{ server: SMTPServer; port: number; received: ReceivedMail[] }> {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { server, port, received };
}

async function waitFor<T>(find: () => T | undefined, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error('timed out waiting for mail');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('mail over SMTP', () => {
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let t: TestApp;
  beforeAll(async () => {
    smtp = await startSmtpServer();
    t = await startTestApp({
      env: {
        SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
        MAIL_FROM: 'DIDHub <no-reply@didhub.test>',
      },
    });
  });
  afterAll(async () => {
    await t.close();
    await new Promise<void>((resolve) => smtp.server.close(() => resolve()));
  });

  it('delivers the verification mail to the SMTP server, and its token verifies the address', async () => {
    const email = uniqueEmail('smtp');
    await t.http().post('/v1/auth/signup').send({ email, password: 'a sturdy passphrase 42', name: 'Smtp', account_name: 'Smtp Ltd' }).expect(202);

    const mail = await waitFor(() => smtp.received.find((m) => m.to.includes(email)));
    expect(mail.from).toBe('no-reply@didhub.test');
    expect(mail.raw).toMatch(/^Subject: Verify your DIDHub email address$/m);
    const match = /https:\/\/dashboard\.didhub\.io\/verify-email\?token=([A-Za-z0-9]+)/.exec(mail.raw);
    expect(match).not.toBeNull();

    const verified = await t.http().post('/v1/auth/verify-email').send({ token: match![1] }).expect(200);
    expect(verified.body.user).toMatchObject({ email, email_verified: true });
    await t.http().post('/v1/auth/login').send({ email, password: 'a sturdy passphrase 42' }).expect(200);
  });
});

describe('when the SMTP server is unreachable', () => {
  let t: TestApp;
  beforeAll(async () => {
    // Nothing listens on port 1: every delivery fails.
    t = await startTestApp({ env: { SMTP_URL: 'smtp://127.0.0.1:1' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('still completes changes whose notice cannot be delivered: adding a member, inviting, creating a key', async () => {
    const owner = await seedUser(t, { apiKeysEnabled: true });
    const colleague = await seedUser(t);
    const client = await sessionClient(t, owner);
    await client.post('/v1/account/members').send({ email: colleague.email, role: 'member' }).expect(201);
    await client.post('/v1/account/members').send({ email: uniqueEmail('invitee'), role: 'member' }).expect(201);
    const key = await client.post('/v1/api-keys').send({ name: 'despite mail' }).expect(201);
    expect(key.body.key).toMatch(/^didhub_live_/);
    await t.http().post('/v1/auth/signup').send({ email: uniqueEmail('nomail'), password: 'a sturdy passphrase 42', name: 'N', account_name: 'N' }).expect(202);
  });
});
