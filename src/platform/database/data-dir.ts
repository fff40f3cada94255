import fs, { closeSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { join, resolve, sep } from 'node:path';

/** Refusal of a second process on an embedded data directory (the wording operators see). */
export class DataDirLockedError extends Error {
  constructor(readonly pid: number) {
    super(`the embedded database is in use by PID ${pid}; stop the server or use the operator API`);
  }
}

export interface DataDirLock {
  release(): void;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes `<dir>.lock` (O_EXCL, holding our PID) for the life of the open database. PGlite is
 * one process's private copy of PostgreSQL: a second process writing the same directory is
 * invisible to the first and corrupts it, so it is refused. A lock left by a process that no
 * longer runs is taken over.
 */
export function lockDataDir(dir: string): DataDirLock {
  const file = `${resolve(dir)}.lock`;
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, 'wx', 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number.parseInt(readLock(file), 10);
      if (Number.isInteger(holder) && holder > 0 && processAlive(holder)) throw new DataDirLockedError(holder);
      try {
        unlinkSync(file);
      } catch (unlinkError) {
        if ((unlinkError as NodeJS.ErrnoException).code !== 'ENOENT') throw unlinkError;
      }
      continue;
    }
    writeSync(fd, String(process.pid));
    closeSync(fd);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        if (readLock(file) === String(process.pid)) unlinkSync(file);
      },
    };
  }
  throw new Error(`could not take the lock ${file}`);
}

function readLock(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return '';
  }
}

const privateRoots = new Set<string>();
let chmodGuardInstalled = false;

/**
 * PGlite (Emscripten's NODEFS) chmods every file it creates to 0666, whatever the umask, and
 * creates directories 0777 minus the umask. While a data directory is open, chmod calls on
 * paths inside it keep only the owner's bits and directories made there are 0700.
 */
function installChmodGuard(): void {
  if (chmodGuardInstalled) return;
  chmodGuardInstalled = true;
  const original = fs.chmodSync;
  const originalMkdir = fs.mkdirSync;
  const inside = (path: fs.PathLike): boolean => {
    const target = typeof path === 'string' ? resolve(path) : null;
    return target !== null && [...privateRoots].some((root) => target === root || target.startsWith(root + sep));
  };
  fs.chmodSync = function guardedChmod(path: fs.PathLike, mode: fs.Mode): void {
    original(path, inside(path) && typeof mode === 'number' ? mode & ~0o077 : mode);
  };
  // Directories it creates get 0777 minus the umask; inside a private root they get 0700.
  fs.mkdirSync = function guardedMkdir(path: fs.PathLike, options?: fs.Mode | fs.MakeDirectoryOptions | null) {
    const created = originalMkdir(path, options as fs.MakeDirectoryOptions & { recursive: true });
    if (inside(path)) original(path, 0o700);
    return created;
  };
  // PGlite reaches fs through `import('fs')`, whose named exports follow module.exports only after this.
  syncBuiltinESMExports();
}

/** Keeps files PGlite creates under `dir` owner-only until the returned function is called. */
export function keepPrivate(dir: string): () => void {
  installChmodGuard();
  const root = resolve(dir);
  privateRoots.add(root);
  return () => privateRoots.delete(root);
}

export interface PermissionReport {
  /** Entries whose group/other bits were removed. */
  tightened: number;
}

/**
 * Creates `dir` (0700) and makes everything under it owner-only: directories 0700, files 0600
 * (group and other bits removed, owner bits kept). Refuses a directory owned by another user.
 * Run at start-up by the server and by every command that opens the embedded database.
 */
export function secureDataDir(dir: string): PermissionReport {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const root = lstatSync(dir);
  if (typeof process.getuid === 'function' && root.uid !== process.getuid()) {
    throw new Error(`DATA_DIR ${dir} belongs to another user (uid ${root.uid}); run as its owner`);
  }
  let tightened = 0;
  const walk = (path: string): void => {
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) return;
    if ((stat.mode & 0o077) !== 0) {
      fs.chmodSync(path, stat.mode & 0o700);
      tightened++;
    }
    if (stat.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
  };
  walk(dir);
  return { tightened };
}

/** Paths under `dir` that a group member or another user could read, write or enter (for checks). */
export function exposedPaths(dir: string): string[] {
  const found: string[] = [];
  const walk = (path: string): void => {
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) return;
    if ((stat.mode & 0o077) !== 0) found.push(path);
    if (stat.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
  };
  walk(dir);
  return found;
}
