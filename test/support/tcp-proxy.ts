import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

/** A TCP proxy child process (tcp-proxy-process.js) that tests stop and restart on the same port. */
export class TcpProxy {
  private child: ChildProcess | null = null;
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async start(): Promise<void> {
    const child = spawn(process.execPath, [join(__dirname, 'tcp-proxy-process.js'), String(this.port), this.targetHost, String(this.targetPort)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    this.child = child;
    this.port = await new Promise<number>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`proxy exited (${code})`)));
      child.stdout!.on('data', (chunk: Buffer) => {
        const match = /ready (\d+)/.exec(chunk.toString('utf8'));
        if (match) resolve(Number(match[1]));
      });
    });
  }

  /** Kills the proxy process: every proxied connection drops. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
    this.child = null;
  }
}
