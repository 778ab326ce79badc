import type { Clock, TokenDenyList } from '../types.js';
import { timeOf } from '../validate.js';
import { promised } from './promised.js';
import type { MemoryOptions } from './sweeper.js';
import { Sweeper } from './sweeper.js';

interface Entry {
  /** For a token, its `until`; for a subject, the `before` moment. */
  readonly value: number;
  readonly until: number;
}

export class MemoryTokenDenyList implements TokenDenyList {
  readonly #tokens = new Map<string, Entry>();
  readonly #subjects = new Map<string, Entry>();
  readonly #clock: Clock;
  readonly #sweeper: Sweeper;

  constructor(options: MemoryOptions) {
    this.#clock = options.clock;
    this.#sweeper = new Sweeper(options.sweepEveryMs, () => this.sweep());
  }

  deny(tokenId: string, until: Date): Promise<void> {
    return promised(() => {
      const untilMs = timeOf(until, 'until');
      this.#raise(this.#tokens, tokenId, untilMs, untilMs);
    });
  }

  isDenied(tokenId: string): Promise<boolean> {
    return promised(() => this.#live(this.#tokens, tokenId) !== undefined);
  }

  denyAllBefore(subject: string, before: Date, until: Date): Promise<void> {
    return promised(() => this.#raise(this.#subjects, subject, timeOf(before, 'before'), timeOf(until, 'until')));
  }

  deniedBefore(subject: string): Promise<Date | null> {
    return promised(() => {
      const entry = this.#live(this.#subjects, subject);
      return entry ? new Date(entry.value) : null;
    });
  }

  /** Drops entries past their `until`; returns how many. */
  sweep(): number {
    const now = this.#clock();
    let dropped = 0;
    for (const entries of [this.#tokens, this.#subjects]) {
      for (const [key, entry] of entries) {
        if (entry.until <= now) {
          entries.delete(key);
          dropped += 1;
        }
      }
    }
    return dropped;
  }

  get size(): number {
    return this.#tokens.size + this.#subjects.size;
  }

  close(): void {
    this.#sweeper.stop();
  }

  /** Revocations only ever widen: keep the later value and the later expiry. */
  #raise(entries: Map<string, Entry>, key: string, value: number, until: number): void {
    const current = this.#live(entries, key);
    const next = { value: Math.max(value, current?.value ?? -Infinity), until: Math.max(until, current?.until ?? -Infinity) };
    if (next.until > this.#clock()) entries.set(key, next);
  }

  #live(entries: Map<string, Entry>, key: string): Entry | undefined {
    const entry = entries.get(key);
    if (entry && entry.until <= this.#clock()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  }
}
