import { createServer } from 'node:net';

/** Start-up failure: the configured port is taken (main.ts prints the message as the one line). */
export class PortInUseError extends Error {
  constructor(port: number, host: string) {
    super(`PORT ${port} on ${host} is already in use; stop the other process or set PORT to a free port`);
    this.name = 'PortInUseError';
  }
}

/**
 * Binds and releases `port` before anything slow (migrations, warm-up) runs, so a busy port
 * fails in a second with one line instead of after start-up. Port 0 (any free one) is never busy.
 */
export async function assertPortFree(port: number, host: string): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE' ? new PortInUseError(port, host) : error));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve()));
  });
}
