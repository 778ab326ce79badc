import { DeadlineExceededError } from '@kurrent/kurrentdb-client';

/**
 * Client-side deadlines. The client's `deadline` option reaches the server only on gRPC calls
 * (appends, metadata writes); reads go through its Rust bridge, which takes no deadline at all, so
 * without a timer of our own a read from a hung server would never settle.
 */

function deadlineError(what: string, ms: number): DeadlineExceededError {
  return new DeadlineExceededError(undefined, `EventStoreDB: ${what} did not finish within ${ms} ms`);
}

export async function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(deadlineError(what, ms)), ms);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** Drains an async iterable within `ms` in total (not per item). */
export async function collectWithin<T>(source: AsyncIterable<T>, ms: number, what: string): Promise<T[]> {
  const iterator = source[Symbol.asyncIterator]();
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      reject(deadlineError(what, ms));
    }, ms);
  });
  try {
    const items: T[] = [];
    for (;;) {
      const step = await Promise.race([iterator.next(), expired]);
      if (step.done === true) return items;
      items.push(step.value);
    }
  } catch (error) {
    // Not awaited: an async generator queues return() behind the next() that is stuck.
    if (timedOut) void iterator.return?.().catch(() => undefined);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** The work's result, or null when it has not settled within `ms` (its later outcome is ignored). */
export async function settleWithin<T>(work: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), ms);
  });
  // A late rejection, after we stopped waiting, must not go unhandled.
  void work.catch(() => undefined);
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}
