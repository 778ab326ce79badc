import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { arrive, decide, idleAt } from '../../src/volatile/gcra.js';
import type { ArrivalTime } from '../../src/volatile/gcra.js';
import type { RateLimitDecision, RateLimitRule } from '../../src/volatile/index.js';

const test = suite('GCRA arithmetic');

/** Plays requests at the given moments against one key, as an adapter would store it. */
function play(rule: RateLimitRule, moments: readonly number[]): { decisions: RateLimitDecision[]; stored: ArrivalTime | undefined } {
  let stored: ArrivalTime | undefined;
  const decisions = moments.map((now) => {
    const arrival = arrive(stored !== undefined && idleAt(stored) > now ? stored : undefined, rule, now);
    if (arrival.allowed) stored = arrival.arrival;
    return decide(arrival, rule, now);
  });
  return { decisions, stored };
}

test('given an idle key, when limit requests come at once, then all pass and the next waits one interval', () => {
  const { decisions, stored } = play({ limit: 5, windowMs: 10_000 }, [0, 0, 0, 0, 0, 0]);
  assert.equal(decisions.map((d) => [d.allowed, d.remaining]), [[true, 4], [true, 3], [true, 2], [true, 1], [true, 0], [false, 0]]);
  assert.equal(decisions[5], { allowed: false, remaining: 0, retryAfterMs: 2_000, resetMs: 10_000 });
  assert.equal(stored, { ms: 10_000, fraction: 0 });
});

test('given an interval of no whole ms (60 000 / 7), when a burst is spent, then the arrival time is kept exactly, in sevenths of a ms', () => {
  const { decisions, stored } = play({ limit: 7, windowMs: 60_000 }, [0, 0, 0]);
  assert.ok(decisions.every((d) => d.allowed));
  assert.equal(stored, { ms: 25_714, fraction: 2 });
  assert.is(decisions[2]?.resetMs, 25_715, 'rounded up: the key is not idle before its arrival time');
});

test('given a key hammered every ms for a day, then exactly limit pass a window, with no drift', () => {
  const rule = { limit: 7, windowMs: 60_000 };
  let stored: ArrivalTime | undefined;
  let allowed = 0;
  const day = 24 * 60 * 60_000;
  // Only the moments a request can be due: each arrival, and the ms before it.
  for (let now = 0; now <= day; ) {
    const arrival = arrive(stored, rule, now);
    if (arrival.allowed) {
      stored = arrival.arrival;
      allowed += 1;
    } else {
      const wait = decide(arrival, rule, now).retryAfterMs;
      assert.not.ok(arrive(stored, rule, now + wait - 1).allowed, `not due a ms early at ${now + wait - 1}`);
      now += wait;
    }
  }
  // 7 from idle and 7 for each of the 1 440 minutes; the last is due at exactly one day.
  assert.is(allowed, 7 + 7 * 1_440);
});

test('given a spent burst, when time passes, then remaining is how many more could pass now', () => {
  const rule = { limit: 10, windowMs: 1_000 };
  const burst = Array.from({ length: 10 }, () => 0);
  const { stored } = play(rule, burst);
  for (const [elapsed, remaining] of [[99, 0], [100, 0], [350, 2], [1_000, 9]] as const) {
    const arrival = arrive(stored, rule, elapsed);
    assert.is(decide(arrival, rule, elapsed).remaining, remaining, `after ${elapsed} ms`);
  }
});

test('given a refused request, then the arrival time does not move and Retry-After is at least 1 ms', () => {
  const rule = { limit: 3, windowMs: 1_000 };
  const { stored } = play(rule, [0, 0, 0]);
  const refused = arrive(stored, rule, 333);
  assert.not.ok(refused.allowed);
  assert.equal(refused.arrival, stored);
  assert.is(decide(refused, rule, 333).retryAfterMs, 1);
});

test('given a stored fraction counted under a larger limit, when the rule shrinks, then it is rounded up to the next ms', () => {
  const arrival = arrive({ ms: 1_000, fraction: 5 }, { limit: 2, windowMs: 1_000 }, 600);
  assert.ok(arrival.allowed);
  assert.equal(arrival.arrival, { ms: 1_501, fraction: 0 });
});

test.run();
