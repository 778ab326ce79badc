import { getOrLoad } from '../cache-aside.js';
import { SingleFlight } from '../single-flight.js';
import type { Cache, Clock, JsonValue } from '../types.js';
import { assertTtl } from '../validate.js';
import { promised } from './promised.js';
import type { MemoryOptions } from './sweeper.js';
import { Sweeper } from './sweeper.js';

export interface MemoryCacheOptions extends MemoryOptions {
  /** Beyond this many entries the oldest written is dropped, so a flood of keys cannot exhaust memory. */
  readonly maxEntries?: number;
}

interface Entry {
  /** Serialised, so readers get copies and see the same shapes Redis would give them. */
  readonly json: string;
  readonly expiresAt: number;
}

const DEFAULT_MAX_ENTRIES = 10_000;

export class MemoryCache implements Cache {
  readonly #entries = new Map<string, Entry>();
  readonly #flights = new SingleFlight();
  readonly #clock: Clock;
  readonly #maxEntries: number;
  readonly #sweeper: Sweeper;

  constructor(options: MemoryCacheOptions) {
    this.#clock = options.clock;
    this.#maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
    this.#sweeper = new Sweeper(options.sweepEveryMs, () => this.sweep());
  }

  get<T extends JsonValue = JsonValue>(key: string): Promise<T | undefined> {
    return promised(() => {
      const entry = this.#entries.get(key);
      if (!entry) return undefined;
      if (entry.expiresAt <= this.#clock()) {
        this.#entries.delete(key);
        return undefined;
      }
      return JSON.parse(entry.json) as T;
    });
  }

  set(key: string, value: JsonValue, ttlMs: number): Promise<void> {
    return promised(() => {
      assertTtl(ttlMs);
      // Re-inserting moves the key to the end of the Map's order, which is the eviction order.
      this.#entries.delete(key);
      for (const oldest of this.#entries.keys()) {
        if (this.#entries.size < this.#maxEntries) break;
        this.#entries.delete(oldest);
      }
      this.#entries.set(key, { json: JSON.stringify(value), expiresAt: this.#clock() + ttlMs });
    });
  }

  delete(key: string): Promise<void> {
    return promised(() => {
      this.#entries.delete(key);
    });
  }

  getOrLoad<T extends JsonValue>(key: string, ttlMs: number, load: () => Promise<T>): Promise<T> {
    return getOrLoad(this, this.#flights, key, ttlMs, load);
  }

  /** Drops expired entries; returns how many. */
  sweep(): number {
    const now = this.#clock();
    let dropped = 0;
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt <= now) {
        this.#entries.delete(key);
        dropped += 1;
      }
    }
    return dropped;
  }

  get size(): number {
    return this.#entries.size;
  }

  close(): void {
    this.#sweeper.stop();
  }
}
