import { arrive, decide, idleAt } from '../gcra.js';
import type { ArrivalTime } from '../gcra.js';
import type { Clock, RateLimitDecision, RateLimiter, RateLimitRequest, RateLimitRule } from '../types.js';
import { assertRule } from '../validate.js';
import { promised } from './promised.js';
import type { MemoryOptions } from './sweeper.js';
import { Sweeper } from './sweeper.js';

/**
 * GCRA (see ../gcra.ts): one theoretical arrival time a key, however hard it is hit. Exact under
 * concurrency because each consume runs to completion on the one JS thread.
 */
export class MemoryRateLimiter implements RateLimiter {
  readonly #arrivals = new Map<string, ArrivalTime>();
  readonly #clock: Clock;
  readonly #sweeper: Sweeper;

  constructor(options: MemoryOptions) {
    this.#clock = options.clock;
    this.#sweeper = new Sweeper(options.sweepEveryMs, () => this.sweep());
  }

  consume(key: string, rule: RateLimitRule): Promise<RateLimitDecision> {
    return promised(() => {
      assertRule(rule);
      return this.#consume(key, rule, Math.floor(this.#clock()));
    });
  }

  consumeInTurn(requests: readonly RateLimitRequest[]): Promise<RateLimitDecision[]> {
    return promised(() => {
      for (const { rule } of requests) assertRule(rule);
      const now = Math.floor(this.#clock());
      const decisions: RateLimitDecision[] = [];
      for (const { key, rule } of requests) {
        const decision = this.#consume(key, rule, now);
        decisions.push(decision);
        if (!decision.allowed) break;
      }
      return decisions;
    });
  }

  #consume(key: string, rule: RateLimitRule, now: number): RateLimitDecision {
    const stored = this.#arrivals.get(key);
    const arrival = arrive(stored !== undefined && idleAt(stored) > now ? stored : undefined, rule, now);
    if (arrival.allowed) this.#arrivals.set(key, arrival.arrival);
    return decide(arrival, rule, now);
  }

  /** Drops keys that are idle again (their arrival time has passed); returns how many. */
  sweep(): number {
    const now = this.#clock();
    let dropped = 0;
    for (const [key, arrival] of this.#arrivals) {
      if (idleAt(arrival) <= now) {
        this.#arrivals.delete(key);
        dropped += 1;
      }
    }
    return dropped;
  }

  /** Keys held, idle or not; for leak tests. */
  get size(): number {
    return this.#arrivals.size;
  }

  close(): void {
    this.#sweeper.stop();
  }
}
