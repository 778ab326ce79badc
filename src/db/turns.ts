import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurnOfTheLoop } from 'node:timers/promises';

/**
 * Who is asking the embedded database for its one connection. Statements of the same caller (a
 * bulk command's tickets, however many it has in flight) take one turn among other callers', so a
 * short request does not wait behind every statement of a long one.
 */
const callers = new AsyncLocalStorage<object>();

/** Runs `work` as one caller of the embedded database (see `callers`); elsewhere it only runs it. */
export function asOneCaller<T>(work: () => Promise<T>): Promise<T> {
  return callers.run({}, work);
}

/** The caller `work` runs as, or a caller of its own for work that named none. */
export function currentCaller(): object {
  return callers.getStore() ?? {};
}

/**
 * How long PGlite may keep the thread before the event loop gets a turn. PGlite runs Postgres on
 * this thread and its statements resolve without any I/O, so a command's chain of statements is
 * one run of microtasks: until it ends no socket is read, not even a /healthz probe's.
 */
export const SLICE_MS = 10;

/** Hands the thread to the event loop when the current run has had its slice; resolves at once otherwise. */
export class TimeSlice {
  private since = performance.now();

  async yieldIfDue(): Promise<void> {
    if (performance.now() - this.since < SLICE_MS) return;
    await nextTurnOfTheLoop();
    this.since = performance.now();
  }
}
