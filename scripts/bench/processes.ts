import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/** A server the benchmark started in a process of its own, so that it never shares a core's event loop with the load. */
export interface ServerProcess {
  readonly pid: number;
  readonly baseUrl: string;
  /** What the process wrote to stderr, last lines only: shown when it dies early. */
  readonly stderrTail: () => string;
  /** How much it logged: a server that logs per request measures its logging too. */
  readonly stderrBytes: () => number;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 120_000;
const STOP_GRACE_MS = 20_000;

/**
 * Starts `node [nodeFlags] --import tsx <script> [args]` with `env` added to ours and waits until
 * `readyPath` answers 2xx. Node is started directly (not through npm or npx) so that the pid is the
 * server's own, which is the process whose memory we read.
 */
export async function startServer(options: {
  readonly script: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly port: number;
  readonly readyPath: string;
  readonly nodeFlags?: readonly string[];
}): Promise<ServerProcess> {
  // The servers the benchmark was pointed at (DATABASE_URL, REDIS_URL in its own environment) are
  // not the target's unless its plan says so: the embedded target would otherwise open PostgreSQL.
  const { DATABASE_URL: _database, REDIS_URL: _redis, ...inherited } = process.env;
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), '--import', 'tsx', options.script, ...options.args], {
    env: { ...inherited, ...options.env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let tail = '';
  let stderrBytes = 0;
  child.stderr.on('data', (chunk: Buffer) => {
    stderrBytes += chunk.length;
    tail = (tail + chunk.toString('utf8')).slice(-4_000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const baseUrl = `http://127.0.0.1:${options.port}`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${options.script} exited before it was ready:\n${tail}`);
    const ready = await fetch(`${baseUrl}${options.readyPath}`).then((response) => response.ok, () => false);
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${options.script} was not ready after ${READY_TIMEOUT_MS} ms:\n${tail}`);
    }
    await sleep(250);
  }
  return { pid: pidOf(child), baseUrl, stderrTail: () => tail, stderrBytes: () => stderrBytes, stop: () => stopProcess(child, exited) };
}

function pidOf(child: ChildProcess): number {
  if (child.pid === undefined) throw new Error('the server process has no pid');
  return child.pid;
}

/** SIGTERM lets the server finish and write its CPU profile; a second signal makes it exit at once. */
async function stopProcess(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const graceful = await Promise.race([exited.then(() => true), sleep(STOP_GRACE_MS).then(() => false)]);
  if (graceful) return;
  child.kill('SIGINT');
  const second = await Promise.race([exited.then(() => true), sleep(5_000).then(() => false)]);
  if (!second) {
    child.kill('SIGKILL');
    await exited;
  }
}

/** Resident set size of a process in bytes, from /proc (Linux). Null where /proc is not there. */
export async function residentBytes(pid: number): Promise<number | null> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => null);
  const match = status ? /VmRSS:\s+(\d+)\s+kB/.exec(status) : null;
  return match ? Number(match[1]) * 1024 : null;
}

/** Samples a process's RSS every `everyMs` until stopped; returns the largest and the mean seen. */
export function sampleResident(pid: number, everyMs = 250): { stop: () => Promise<{ max: number; mean: number }> } {
  const samples: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const bytes = await residentBytes(pid);
      if (bytes !== null) samples.push(bytes);
      await sleep(everyMs);
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      const max = samples.length > 0 ? Math.max(...samples) : Number.NaN;
      const mean = samples.length > 0 ? samples.reduce((a, b) => a + b, 0) / samples.length : Number.NaN;
      return { max, mean };
    },
  };
}

/** A TCP port nobody listens on right now (the OS picks it). */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
