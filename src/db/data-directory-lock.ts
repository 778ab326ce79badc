import { closeSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, relative, isAbsolute } from 'node:path';
import { tryLock, unlock } from 'fs-native-extensions';

/**
 * One process at a time on an embedded database's directory: PGlite has no lock of its own, and
 * a second process writing the same files corrupts them for good.
 *
 * The lock is the operating system's (an open file description lock on Linux, flock on macOS), on
 * a file in the directory: it dies with the process, so a server killed with SIGKILL leaves no
 * stale lock behind, and a pid reused since cannot be mistaken for the holder. The file's contents
 * only say who holds it, for the message; the file itself stays, and its presence means nothing.
 */

const LOCK_FILE = 'itsm.lock';

/** Who holds a data directory, as it wrote itself into the lock file. */
export interface DataDirectoryHolder {
  readonly pid: number;
  readonly command: string;
  readonly host: string;
  readonly since: string;
}

export class DataDirectoryInUseError extends Error {
  constructor(
    readonly directory: string,
    readonly holder: DataDirectoryHolder | null,
  ) {
    super(`the embedded database in ${directory} is in use by ${describeHolder(holder)}`);
    this.name = 'DataDirectoryInUseError';
  }
}

export interface DataDirectoryLock {
  release(): void;
}

/** Locks `directory` for this process, or throws DataDirectoryInUseError naming the process that has it. */
export function lockDataDirectory(directory: string): DataDirectoryLock {
  const path = join(directory, LOCK_FILE);
  // A plain descriptor, not a FileHandle: one the garbage collector could close would drop the lock.
  const fd = openSync(path, 'a+');
  let locked: boolean;
  try {
    locked = tryLock(fd);
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  if (!locked) {
    closeSync(fd);
    throw new DataDirectoryInUseError(directory, readHolder(path));
  }
  ftruncateSync(fd, 0);
  writeSync(fd, `${JSON.stringify(thisProcess())}\n`);
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      ftruncateSync(fd, 0);
      unlock(fd);
      closeSync(fd);
    },
  };
}

function thisProcess(): DataDirectoryHolder {
  const [script, ...args] = process.argv.slice(1);
  const shown = script && isAbsolute(script) && !relative(process.cwd(), script).startsWith('..') ? relative(process.cwd(), script) : script;
  return { pid: process.pid, command: [shown ?? process.argv0, ...args].join(' '), host: hostname(), since: new Date().toISOString() };
}

/** What the holder wrote; null when it has not written yet (it locks first, then writes) or wrote something else. */
function readHolder(path: string): DataDirectoryHolder | null {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null) return null;
    const { pid, command, host, since } = parsed as Record<string, unknown>;
    if (typeof pid !== 'number' || typeof command !== 'string' || typeof host !== 'string' || typeof since !== 'string') return null;
    return { pid, command, host, since };
  } catch {
    return null;
  }
}

function describeHolder(holder: DataDirectoryHolder | null): string {
  if (!holder) return 'another process';
  const elsewhere = holder.host === hostname() ? '' : ` on host ${holder.host}`;
  return `process ${holder.pid}${elsewhere} (${holder.command}, since ${holder.since})`;
}
