import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');

/** The shell blocks of the README's walk-through section, in order, exactly as written. */
export function walkthroughBlocks(readme: string): string[] {
  const start = readme.indexOf('## Walk-through');
  if (start < 0) throw new Error('README has no "## Walk-through" section');
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]);
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

/**
 * A newcomer's path, executed: the README walk-through's blocks run verbatim in one bash shell,
 * in a copy of the repository with a fresh data directory and the embedded database, from
 * sign-up to a partner key listing the sample CDRs.
 */
describe('README walk-through', () => {
  let clone: string;
  beforeAll(() => {
    clone = mkdtempSync(join(tmpdir(), 'didhub-clone-'));
    for (const entry of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'src', 'bench', 'prisma', 'samples', '.env.example', 'README.md']) {
      cpSync(join(ROOT, entry), join(clone, entry), { recursive: true });
    }
    symlinkSync(join(ROOT, 'node_modules'), join(clone, 'node_modules'), 'dir');
  });
  afterAll(() => {
    if (clone) rmSync(clone, { recursive: true, force: true });
  });

  it('goes from a fresh clone to a CDR listing with an API key by copy-pasting the README', async () => {
    const blocks = walkthroughBlocks(readFileSync(join(clone, 'README.md'), 'utf8'));
    expect(blocks.length).toBeGreaterThanOrEqual(4);
    expect(existsSync(join(clone, 'data'))).toBe(false);
    const script = ['set -euo pipefail', ...blocks].join('\n');
    const port = await freePort();
    const { PATH, HOME } = process.env;
    // Only what a newcomer's shell has; PORT so parallel runs on this machine do not collide.
    const env = { PATH: `${resolve(process.execPath, '..')}:${PATH}`, HOME, PORT: String(port), NODE_ENV: 'development', LOG_FORMAT: 'json' };
    const child = spawn('bash', ['-c', script], { cwd: clone, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number>((done) => child.on('close', (c) => done(c ?? -1)));
    try {
      process.kill(-child.pid!, 'SIGTERM'); // a server left behind by a failed step
    } catch {
      /* none left */
    }
    if (code !== 0) throw new Error(`walk-through failed (exit ${code})\n--- stdout\n${stdout.slice(-4000)}\n--- stderr\n${stderr.slice(-4000)}`);

    // The start-up line names the API, /docs, the data directory and the mail folder.
    const startup = stdout.split('\n').find((line) => line.includes('DIDHub API listening'));
    expect(startup).toBeDefined();
    expect(JSON.parse(startup!)).toMatchObject({
      api: `https://localhost:${port}`,
      docs: `https://localhost:${port}/docs`,
      data_dir: join(clone, 'data'),
      mail: `files in ${join(clone, 'data/mail')}`,
      env_file: join(clone, '.env'),
    });
    expect(stdout).toContain('Imported 5 row(s): 5 new, 0 already present.');
    const line = stdout.split('\n').find((l) => l.startsWith('{"object":"list"'));
    expect(line).toBeDefined();
    // The server runs in the background of the same shell: a block of its log lines can land
    // between curl's body and the newline `-w` writes after it, on the same line.
    const logAfter = line!.indexOf('}{"level":');
    const listing = logAfter === -1 ? line! : line!.slice(0, logAfter + 1);
    const page = JSON.parse(listing) as { data: { external_id: string; object: string }[]; has_more: boolean };
    expect(page.data.map((cdr) => cdr.external_id).sort()).toEqual(['sample-call-0001', 'sample-call-0002', 'sample-call-0003', 'sample-call-0004', 'sample-call-0005']);
    expect(page.has_more).toBe(false);
  }, 900_000);
});
