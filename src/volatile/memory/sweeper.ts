import type { Clock } from '../types.js';

export interface MemoryOptions {
  readonly clock: Clock;
  /** How often expired entries nobody reads again are dropped; default one minute. */
  readonly sweepEveryMs?: number;
}

const DEFAULT_SWEEP_EVERY_MS = 60_000;

/**
 * Drops expired entries on a timer, because lazy expiry alone keeps every key that is written once
 * and never read again. The timer is unref'd so it never holds the process open.
 */
export class Sweeper {
  readonly #timer: NodeJS.Timeout;

  constructor(everyMs: number | undefined, sweep: () => void) {
    this.#timer = setInterval(sweep, everyMs ?? DEFAULT_SWEEP_EVERY_MS);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
