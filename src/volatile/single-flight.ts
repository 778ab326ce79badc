/**
 * Shares one in-progress piece of work among concurrent callers with the same key, so a cold
 * cache entry is loaded once rather than once per request. Callers sharing a key must expect the
 * same result type.
 */
export class SingleFlight {
  readonly #inFlight = new Map<string, Promise<unknown>>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const existing = this.#inFlight.get(key);
    if (existing) return existing as Promise<T>;
    const flight = Promise.resolve()
      .then(work)
      .finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, flight);
    return flight;
  }
}
