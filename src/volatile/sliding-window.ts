import type { RateLimitDecision, RateLimitRule } from './types.js';

/** What a sliding-window log looks like after one consume; the same for every adapter. */
export interface WindowState {
  readonly allowed: boolean;
  /** Allowed requests still inside the window, including this one when it was allowed. */
  readonly count: number;
  /** Times of the oldest and newest requests in the window; unused when count is 0. */
  readonly oldest: number;
  readonly newest: number;
}

export function decide(state: WindowState, rule: RateLimitRule, now: number): RateLimitDecision {
  if (state.count === 0) return { allowed: state.allowed, remaining: rule.limit, retryAfterMs: 0, resetMs: 0 };
  // A request stops counting exactly windowMs after it was allowed, so the oldest one frees the
  // next slot and the newest one frees the last.
  return {
    allowed: state.allowed,
    remaining: Math.max(0, rule.limit - state.count),
    retryAfterMs: state.allowed ? 0 : Math.max(0, state.oldest + rule.windowMs - now),
    resetMs: Math.max(0, state.newest + rule.windowMs - now),
  };
}
