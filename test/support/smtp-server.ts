import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface TestSmtpServer {
  port: number;
  /** Recipients of every mail received, in order. */
  received: string[][];
  close(): Promise<void>;
}

/**
 * A real SMTP server on 127.0.0.1 (plain, no AUTH) that holds every message `delayMs` before
 * accepting it: a slow mail provider, to show what waits on mail and what does not.
 */
export async function startSlowSmtpServer(delayMs: number): Promise<TestSmtpServer> {
  const received: string[][] = [];
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    onData(stream, session, callback) {
      stream.resume();
      stream.on('end', () => {
        setTimeout(() => {
          received.push(session.envelope.rcptTo.map((r) => r.address));
          callback();
        }, delayMs);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { port, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
