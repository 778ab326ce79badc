import { decide } from '../sliding-window.js';
import type { Clock, RateLimitDecision, RateLimiter, RateLimitRequest, RateLimitRule } from '../types.js';
import { assertRule } from '../validate.js';
import { promised } from './promised.js';
import type { MemoryOptions } from './sweeper.js';
import { Sweeper } from './sweeper.js';

interface Window {
  /** Times of the allowed requests still inside the window; at most `limit` of them. */
  readonly stamps: number[];
  readonly windowMs: number;
}

/** Exact under concurrency because each consume runs to completion on the one JS thread. */
export class MemoryRateLimiter implements RateLimiter {
  readonly #windows = new Map<string, Window>();
  readonly #clock: Clock;
  readonly #sweeper: Sweeper;

  constructor(options: MemoryOptions) {
    this.#clock = options.clock;
    this.#sweeper = new Sweeper(options.sweepEveryMs, () => this.sweep());
  }

  consume(key: string, rule: RateLimitRule): Promise<RateLimitDecision> {
    return promised(() => {
      assertRule(rule);
      return this.#consume(key, rule);
    });
  }

  consumeInTurn(requests: readonly RateLimitRequest[]): Promise<RateLimitDecision[]> {
    return promised(() => {
      for (const { rule } of requests) assertRule(rule);
      const decisions: RateLimitDecision[] = [];
      for (const { key, rule } of requests) {
        const decision = this.#consume(key, rule);
        decisions.push(decision);
        if (!decision.allowed) break;
      }
      return decisions;
    });
  }

  #consume(key: string, rule: RateLimitRule): RateLimitDecision {
    const now = this.#clock();
    const stamps = (this.#windows.get(key)?.stamps ?? []).filter((stamp) => stamp > now - rule.windowMs);
    const allowed = stamps.length < rule.limit;
    if (allowed) stamps.push(now);
    if (stamps.length === 0) this.#windows.delete(key);
    else this.#windows.set(key, { stamps, windowMs: rule.windowMs });
    const oldest = stamps.reduce((a, b) => Math.min(a, b), Infinity);
    const newest = stamps.reduce((a, b) => Math.max(a, b), -Infinity);
    return decide({ allowed, count: stamps.length, oldest, newest }, rule, now);
  }

  /** Drops windows whose every request has aged out; returns how many. */
  sweep(): number {
    const now = this.#clock();
    let dropped = 0;
    for (const [key, window] of this.#windows) {
      if (window.stamps.every((stamp) => stamp <= now - window.windowMs)) {
        this.#windows.delete(key);
        dropped += 1;
      }
    }
    return dropped;
  }

  /** Keys held, expired or not; for leak tests. */
  get size(): number {
    return this.#windows.size;
  }

  close(): void {
    this.#sweeper.stop();
  }
}
