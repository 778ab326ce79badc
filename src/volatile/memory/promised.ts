/** Runs synchronous adapter work as a promise, so a bad argument rejects here just as it does on Redis. */
export function promised<T>(work: () => T): Promise<T> {
  return new Promise((resolve) => resolve(work()));
}
