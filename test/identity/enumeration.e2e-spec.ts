import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { startSlowSmtpServer, type TestSmtpServer } from '../support/smtp-server';
import { seedUser, uniqueEmail } from '../support/seed';
import { startTestApp, type TestApp } from '../support/test-app';

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};
/**
 * Medians within 20 % of each other, or within 0.5 ms: answers take a few milliseconds here, so
 * scheduling noise alone can make 20 %, while the leaks this guards against (a query or a hash
 * on one path only) cost more than that.
 */
const expectSimilarMedians = (a: number[], b: number[]) => {
  const [ma, mb] = [median(a), median(b)];
  const [slow, fast] = [Math.max(ma, mb), Math.min(ma, mb)];
  expect({ slow, fast, similar: slow - fast <= Math.max(0.2 * fast, 0.5) }).toMatchObject({ similar: true });
};

/**
 * The server's own time to answer: from the request's arrival to the last byte of the answer
 * handed to the socket. The test client shares this process's event loop with the server, so
 * its round trip would also count work the server does after answering (the reset mail of a
 * known address), which a remote client never waits for.
 */
const ANSWER_PROBE = 'x-answer-probe';
const answerTimes = new Map<string, Promise<number>>();
let probes = 0;
function trackAnswerTime(server: Server): void {
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const probe = req.headers[ANSWER_PROBE];
    if (typeof probe !== 'string') return;
    const from = performance.now();
    answerTimes.set(probe, new Promise((resolve) => res.once('finish', () => resolve(performance.now() - from))));
  });
}

async function answered(send: (probe: string) => Promise<{ status: number; body: unknown }>): Promise<{ ms: number; result: { status: number; body: unknown } }> {
  const probe = `p${++probes}`;
  const result = await send(probe);
  return { ms: await answerTimes.get(probe)!, result };
}

async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const start = process.hrtime.bigint();
  const result = await run();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, result };
}

/**
 * Nothing a stranger can send tells whether an address has an account: the same statuses in the
 * same order, in the same time. Behind a trusted proxy so each request can come from its own IP.
 */
describe('no account enumeration, no lock-out of the owner by strangers', () => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  beforeAll(async () => {
    smtp = await startSlowSmtpServer(1000);
    t = await startTestApp({ env: { TRUST_PROXY: '127.0.0.1/32', SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, MAIL_OUTBOX_POLL_MS: '50' } });
    trackAnswerTime(t.app.getHttpServer() as Server);
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  let ipCounter = 1;
  const freshIp = () => `198.51.${Math.floor(ipCounter / 250)}.${(ipCounter++ % 250) + 1}`;
  const from = (ip: string) => ({ 'X-Forwarded-Proto': 'https', 'X-Forwarded-For': ip });
  const login = (email: string, password: string, ip: string) =>
    t.http().post('/v1/auth/login').set(from(ip)).send({ email, password });
  const answer = (res: { status: number; body: { error?: { code?: string } } }) => `${res.status} ${res.body.error?.code ?? ''}`;

  it('gives the same sign-in answers, in the same order, for a known and an unknown address (lock-out included)', async () => {
    const known = await seedUser(t);
    const unknown = uniqueEmail('nobody');
    const sequence = async (email: string, ip: string) => {
      const answers: string[] = [];
      for (let i = 0; i < 6; i++) answers.push(answer(await login(email, `wrong guess number ${i}`, ip)));
      // The right password of the known user, and the same string for the unknown address: still locked.
      answers.push(answer(await login(email, known.password, ip)));
      return answers;
    };
    const knownAnswers = await sequence(known.email, freshIp());
    const unknownAnswers = await sequence(unknown, freshIp());
    expect(knownAnswers).toEqual(unknownAnswers);
    expect(knownAnswers).toEqual([
      ...Array(5).fill('401 invalid_credentials'),
      '429 too_many_failed_logins',
      '429 too_many_failed_logins',
    ]);
  });

  it('does not let a stranger at another IP lock the owner out', async () => {
    const owner = await seedUser(t);
    const attacker = freshIp();
    for (let i = 0; i < 5; i++) await login(owner.email, `attacker guess ${i}`, attacker).expect(401);
    await login(owner.email, 'attacker guess 6', attacker).expect(429);
    await login(owner.email, owner.password, attacker).expect(429);
    await login(owner.email, owner.password, freshIp()).expect(200);
  });

  it('throttles guessing spread over many IPs for known and unknown addresses alike', async () => {
    const known = await seedUser(t);
    const unknown = uniqueEmail('spread');
    const spread = async (email: string) => {
      // 50 wrong passwords from 10 IPs, 5 each (under each pair's lock), then a new IP with the right one.
      for (let ip = 0; ip < 10; ip++) {
        const address = freshIp();
        await Promise.all([0, 1, 2, 3, 4].map((i) => login(email, `spread guess ${ip}.${i}`, address).expect(401)));
      }
      return answer(await login(email, known.password, freshIp()));
    };
    const [k, u] = [await spread(known.email), await spread(unknown)];
    expect(k).toBe('429 too_many_failed_logins');
    expect(u).toBe(k);
  }, 180_000);

  it('takes the same time to refuse a wrong password for a known address as for an unknown one', async () => {
    const known = await seedUser(t);
    const unknown = uniqueEmail('timing');
    const knownMs: number[] = [];
    const unknownMs: number[] = [];
    for (let i = 0; i < 15; i++) {
      const a = await timed(() => login(known.email, `timing guess ${i}`, freshIp()));
      const b = await timed(() => login(unknown, `timing guess ${i}`, freshIp()));
      expect([a.result.status, b.result.status]).toEqual([401, 401]);
      knownMs.push(a.ms);
      unknownMs.push(b.ms);
    }
    expectSimilarMedians(knownMs, unknownMs);
  });

  it('answers password/forgot the same, in the same time, for a known and an unknown address (mail leaves after the answer)', async () => {
    const known = await seedUser(t);
    const knownMs: number[] = [];
    const unknownMs: number[] = [];
    const statuses = new Set<string>();
    // Warm up the route (first-request costs are not what is compared).
    await t.http().post('/v1/auth/password/forgot').set(from(freshIp())).send({ email: uniqueEmail('warmup') }).expect(202);
    for (let i = 0; i < 20; i++) {
      const sent = smtp.received.length;
      const forgot = (email: string) =>
        answered((probe) => t.http().post('/v1/auth/password/forgot').set(from(freshIp())).set(ANSWER_PROBE, probe).send({ email }));
      const knownRequest = () => forgot(known.email);
      const unknownRequest = () => forgot(uniqueEmail('forgot'));
      // Alternate which goes first, so neither side always follows the other's background work.
      const b0 = i % 2 === 1 ? await unknownRequest() : null;
      const a = await knownRequest();
      // Let the known address's slow mail finish (delivered and gone from the outbox) before the next measurement.
      while (smtp.received.length === sent) await new Promise((r) => setTimeout(r, 10));
      while ((await t.prisma.mailOutbox.count()) > 0) await new Promise((r) => setTimeout(r, 10));
      const b = b0 ?? (await unknownRequest());
      statuses.add(`${a.result.status} ${JSON.stringify(a.result.body)}`);
      statuses.add(`${b.result.status} ${JSON.stringify(b.result.body)}`);
      knownMs.push(a.ms);
      unknownMs.push(b.ms);
    }
    expect([...statuses]).toEqual(['202 {"status":"accepted"}']);
    // The SMTP server takes a second per mail; the answer does not wait for it.
    expect(median(knownMs)).toBeLessThan(500);
    expectSimilarMedians(knownMs, unknownMs);
    expect(smtp.received.flat().filter((to) => to === known.email)).toHaveLength(20);
  });
});
