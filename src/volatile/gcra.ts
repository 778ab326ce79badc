import type { RateLimitDecision, RateLimitRule } from './types.js';

/**
 * The generic cell rate algorithm: a key's whole state is one moment, its theoretical arrival time
 * (TAT), the time at which the key would be idle again. Each allowed request pushes it on by the
 * emission interval T = window / limit; a request is allowed while the pushed TAT stays within one
 * window of now. So `limit` requests pass in a burst from idle (the burst tolerance is window − T),
 * and then one every T: `limit` per window sustained. A refused request leaves the TAT alone.
 *
 * T is seldom a whole number of milliseconds (60 000 / 7), and a TAT kept as a float would drift
 * until the seventh request of a burst is refused by a rounding error. So a TAT is held exactly, as
 * whole milliseconds plus a remainder in 1/limit of a millisecond. The Redis adapter's script does
 * the same arithmetic in Lua; both are checked by the same contract tests.
 */
export interface ArrivalTime {
  readonly ms: number;
  /** 0 ≤ fraction < limit, in units of 1/limit ms. */
  readonly fraction: number;
}

export interface Arrival {
  readonly allowed: boolean;
  /** The key's TAT after this request: pushed on when allowed, as it was (or now) when refused. */
  readonly arrival: ArrivalTime;
}

/** One request at `now` against the stored TAT (undefined when the key is idle or unknown). */
export function arrive(stored: ArrivalTime | undefined, rule: RateLimitRule, now: number): Arrival {
  const tat = stored === undefined ? { ms: now, fraction: 0 } : latest(normalised(stored, rule), { ms: now, fraction: 0 });
  const next = pushed(tat, rule);
  const allowed = !isAfter(next, now + rule.windowMs);
  return { allowed, arrival: allowed ? next : tat };
}

/** What the caller is told, from the TAT a request left behind. */
export function decide({ allowed, arrival }: Arrival, rule: RateLimitRule, now: number): RateLimitDecision {
  const { limit, windowMs } = rule;
  // Requests that could still pass now: k with arrival + k·T ≤ now + window.
  const remaining = Math.floor(((now + windowMs - arrival.ms) * limit - arrival.fraction) / windowMs);
  const next = pushed(arrival, rule);
  return {
    allowed,
    remaining: Math.min(limit, Math.max(0, remaining)),
    // The next request is allowed once its pushed TAT is within one window of the clock.
    retryAfterMs: allowed ? 0 : Math.max(1, ceilMs(next) - windowMs - now),
    // The whole limit is back once the key is idle again.
    resetMs: Math.max(0, ceilMs(arrival) - now),
  };
}

/** When the key's TAT has passed, the key is idle and may be forgotten: this moment, in whole ms. */
export function idleAt(arrival: ArrivalTime): number {
  return ceilMs(arrival);
}

function pushed(tat: ArrivalTime, rule: RateLimitRule): ArrivalTime {
  const sum = tat.fraction + rule.windowMs;
  return { ms: tat.ms + Math.floor(sum / rule.limit), fraction: sum % rule.limit };
}

/**
 * A remainder counted under another limit (the rule of a key changed) is rounded up to the next
 * whole millisecond: at most 1 ms off, and never in the caller's favour.
 */
function normalised(tat: ArrivalTime, rule: RateLimitRule): ArrivalTime {
  return tat.fraction < rule.limit ? tat : { ms: tat.ms + 1, fraction: 0 };
}

function latest(a: ArrivalTime, b: ArrivalTime): ArrivalTime {
  return a.ms > b.ms || (a.ms === b.ms && a.fraction > b.fraction) ? a : b;
}

function isAfter(tat: ArrivalTime, ms: number): boolean {
  return tat.ms > ms || (tat.ms === ms && tat.fraction > 0);
}

function ceilMs(tat: ArrivalTime): number {
  return tat.fraction > 0 ? tat.ms + 1 : tat.ms;
}
