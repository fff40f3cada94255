import { execFile, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { Client } from 'pg';
import { childProcessEnv } from '../../platform/config/config';

export type PgClientTool = 'pg_dump' | 'pg_restore';

/** The client tool is missing, of the wrong major version, or unusable: one line for the operator. */
export class PgClientToolError extends Error {}

const INSTALL_HINT = (major: number) =>
  `install the PostgreSQL ${major} client tools (Debian/Ubuntu: apt-get install postgresql-client-${major}; ` +
  `other versions: apt.postgresql.org) and put them first on PATH`;

/**
 * How to reach the database without putting the password on a command line (readable by any
 * local user in /proc/<pid>/cmdline): the URL without it for argv, the password for PGPASSWORD
 * (a process's environment is readable by its owner only).
 */
export function splitCredentials(databaseUrl: string): { url: string; password: string | null } {
  const url = new URL(databaseUrl);
  let password = url.password ? decodeURIComponent(url.password) : null;
  url.password = '';
  const query = url.searchParams.get('password');
  if (query !== null) {
    password = password ?? query;
    url.searchParams.delete('password');
  }
  return { url: url.toString(), password };
}

/** The server's major version (`server_version_num` 150004 → 15). */
export async function serverMajorVersion(databaseUrl: string): Promise<number> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ v: string }>("SELECT current_setting('server_version_num') AS v");
    return Math.floor(Number(rows[0].v) / 10000);
  } finally {
    await client.end();
  }
}

/** `pg_dump (PostgreSQL) 15.20 (Debian …)` → 15; a missing tool says so and how to install it. */
async function toolMajorVersion(tool: PgClientTool, serverMajor: number): Promise<number> {
  const output = await new Promise<string>((resolve, reject) => {
    execFile(tool, ['--version'], { env: childProcessEnv(), timeout: 30_000 }, (error, stdout) => {
      if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
        reject(new PgClientToolError(`${tool} was not found on PATH: ${INSTALL_HINT(serverMajor)}`));
      } else if (error) {
        reject(new PgClientToolError(`${tool} --version failed (${error.message.split('\n', 1)[0]}): ${INSTALL_HINT(serverMajor)}`));
      } else {
        resolve(stdout);
      }
    });
  });
  const match = /\(PostgreSQL\)\s+(\d+)(?:\.\d+)?/.exec(output);
  if (!match) throw new PgClientToolError(`${tool} --version did not name a PostgreSQL version: ${INSTALL_HINT(serverMajor)}`);
  return Number(match[1]);
}

/**
 * Starts `tool` for the database at `databaseUrl`, after checking that the tool exists and has
 * the server's major version (an older pg_dump refuses a newer server, and an archive is only
 * sure to restore with the tools that wrote it). The password travels in PGPASSWORD, never on
 * argv; the child inherits none of the app's secrets. `args` must not hold the URL: it is added
 * (without the password) as `--dbname`.
 */
export async function spawnPgClientTool(
  tool: PgClientTool,
  databaseUrl: string,
  args: string[],
  stdio: SpawnOptions['stdio'],
): Promise<ChildProcess> {
  const serverMajor = await serverMajorVersion(databaseUrl);
  const toolMajor = await toolMajorVersion(tool, serverMajor);
  if (toolMajor !== serverMajor) {
    throw new PgClientToolError(`${tool} is version ${toolMajor} but the server runs PostgreSQL ${serverMajor}: ${INSTALL_HINT(serverMajor)}`);
  }
  const { url, password } = splitCredentials(databaseUrl);
  const env = { ...childProcessEnv(), ...(password === null ? {} : { PGPASSWORD: password }) };
  return spawn(tool, [...args, '--dbname', url], { stdio, env });
}

/**
 * Resolves with the exit code once the child has closed; a spawn failure (the tool vanished
 * between the check and the start) rejects with a PgClientToolError naming the tool only —
 * Node's own error carries the full argument list.
 */
export function exitOf(child: ChildProcess, tool: PgClientTool): Promise<number | null> {
  return new Promise((resolve, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) => reject(new PgClientToolError(`${tool} could not be started (${error.code ?? 'error'})`)));
    child.once('close', (code) => resolve(code));
  });
}
