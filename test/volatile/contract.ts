import { randomUUID } from 'node:crypto';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { Clock, VolatileState } from '../../src/volatile/index.js';
import { caught } from '../support/events.js';

export interface VolatileStateUnderTest {
  readonly state: VolatileState;
  close(): Promise<void>;
}

export type OpenVolatileState = (clock: Clock) => Promise<VolatileStateUnderTest>;

/** A clock that moves only when told to. It starts at the real time so server-side expiries stay in the future. */
export interface ManualClock {
  readonly now: Clock;
  advance(ms: number): void;
}

export function manualClock(start = Date.now()): ManualClock {
  let current = start;
  return {
    now: () => current,
    advance(ms) {
      current += ms;
    },
  };
}

interface Context {
  clock: ManualClock;
  sut?: VolatileStateUnderTest;
}

/** Opens a fresh state per suite, on a clock the tests move, and closes it afterwards. */
function contractSuite(name: string, open: OpenVolatileState) {
  const test = suite<Context>(name, { clock: manualClock() });
  test.before(async (context) => {
    context.clock = manualClock();
    context.sut = await open(context.clock.now);
  });
  test.after(async (context) => {
    await context.sut?.close();
  });
  return test;
}

const state = (context: Context): VolatileState => context.sut!.state;
const key = (): string => randomUUID();

/** The suites every volatile-state adapter must pass. */
export function volatileStateContract(label: string, open: OpenVolatileState): void {
  rateLimiterContract(label, open);
  denyListContract(label, open);
  cacheContract(label, open);
}

function rateLimiterContract(label: string, open: OpenVolatileState): void {
  const test = contractSuite(`rate limiter on ${label}`, open);

  test('allows exactly the limit under 50 concurrent requests', async (context) => {
    const rule = { limit: 10, windowMs: 60_000 };
    const k = key();
    const decisions = await Promise.all(Array.from({ length: 50 }, () => state(context).rateLimiter.consume(k, rule)));
    const allowed = decisions.filter((d) => d.allowed);
    assert.is(allowed.length, 10);
    assert.equal(allowed.map((d) => d.remaining).sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const refused of decisions.filter((d) => !d.allowed)) {
      // The next one is due one emission interval (60 s / 10) after the burst; all ten are back after the window.
      assert.equal(refused, { allowed: false, remaining: 0, retryAfterMs: 6_000, resetMs: 60_000 });
    }
  });

  test('counts down what remains and refuses the request past the limit', async (context) => {
    const rule = { limit: 3, windowMs: 1_000 };
    const k = key();
    const decisions = [];
    for (let i = 0; i < 4; i += 1) decisions.push(await state(context).rateLimiter.consume(k, rule));
    assert.equal(decisions.map((d) => [d.allowed, d.remaining]), [[true, 2], [true, 1], [true, 0], [false, 0]]);
    assert.is(decisions[0]?.retryAfterMs, 0);
  });

  test('given a burst of 3 a second, when the 4th comes at once, then it waits one emission interval, rounded up to the ms', async (context) => {
    const rule = { limit: 3, windowMs: 1_000 };
    const k = key();
    for (let i = 0; i < 3; i += 1) assert.ok((await state(context).rateLimiter.consume(k, rule)).allowed);
    // T = 1000 / 3 = 333⅓ ms.
    assert.equal(await state(context).rateLimiter.consume(k, rule), { allowed: false, remaining: 0, retryAfterMs: 334, resetMs: 1_000 });
    context.clock.advance(333);
    assert.equal(await state(context).rateLimiter.consume(k, rule), { allowed: false, remaining: 0, retryAfterMs: 1, resetMs: 667 });
    context.clock.advance(1);
    assert.equal(await state(context).rateLimiter.consume(k, rule), { allowed: true, remaining: 0, retryAfterMs: 0, resetMs: 1_000 });
  });

  test('given 7 a minute (an interval of no whole ms), when hammered until refused every second for ten minutes, then 7 pass at once and exactly 7 a minute after', async (context) => {
    const rule = { limit: 7, windowMs: 60_000 };
    const k = key();
    const allowedAt: number[] = [];
    for (let second = 0; second <= 600; second += 1) {
      while ((await state(context).rateLimiter.consume(k, rule)).allowed) allowedAt.push(second);
      context.clock.advance(1_000);
    }
    assert.equal(allowedAt.slice(0, 8), [0, 0, 0, 0, 0, 0, 0, 9], 'the burst, then the first one 8 571⅐ ms later');
    // 7 from idle and 70 more in the ten minutes; the 70th is due at exactly 600 s, which a TAT kept in floats misses.
    assert.is(allowedAt.length, 77);
    assert.is(allowedAt.at(-1), 600);
  });

  test('given a spent burst, when part of the window has passed, then remaining says how many more could pass now', async (context) => {
    const rule = { limit: 4, windowMs: 1_000 };
    const k = key();
    for (let i = 0; i < 4; i += 1) await state(context).rateLimiter.consume(k, rule);
    context.clock.advance(500);
    assert.equal(await state(context).rateLimiter.consume(k, rule), { allowed: true, remaining: 1, retryAfterMs: 0, resetMs: 750 });
    assert.equal(await state(context).rateLimiter.consume(k, rule), { allowed: true, remaining: 0, retryAfterMs: 0, resetMs: 1_000 });
    assert.equal(await state(context).rateLimiter.consume(k, rule), { allowed: false, remaining: 0, retryAfterMs: 250, resetMs: 1_000 });
  });

  test('gives the whole limit back once the window has passed', async (context) => {
    const rule = { limit: 5, windowMs: 10_000 };
    const k = key();
    for (let i = 0; i < 5; i += 1) await state(context).rateLimiter.consume(k, rule);
    assert.not.ok((await state(context).rateLimiter.consume(k, rule)).allowed);
    context.clock.advance(10_000);
    const decisions = [];
    for (let i = 0; i < 6; i += 1) decisions.push(await state(context).rateLimiter.consume(k, rule));
    assert.equal(decisions.map((d) => d.allowed), [true, true, true, true, true, false]);
    assert.is(decisions[0]?.remaining, 4);
  });

  test('does not count refused requests against the caller', async (context) => {
    const rule = { limit: 2, windowMs: 1_000 };
    const k = key();
    await state(context).rateLimiter.consume(k, rule);
    await state(context).rateLimiter.consume(k, rule);
    // The next one is due 500 ms on: the 20 refusals just before it do not push it back.
    context.clock.advance(499);
    for (let i = 0; i < 20; i += 1) assert.not.ok((await state(context).rateLimiter.consume(k, rule)).allowed);
    context.clock.advance(501);
    const decisions = [];
    for (let i = 0; i < 3; i += 1) decisions.push(await state(context).rateLimiter.consume(k, rule));
    assert.equal(decisions.map((d) => d.allowed), [true, true, false]);
  });

  test('keeps the windows of different keys apart', async (context) => {
    const rule = { limit: 1, windowMs: 60_000 };
    const [a, b] = [key(), key()];
    assert.ok((await state(context).rateLimiter.consume(a, rule)).allowed);
    assert.not.ok((await state(context).rateLimiter.consume(a, rule)).allowed);
    assert.ok((await state(context).rateLimiter.consume(b, rule)).allowed);
  });

  test('rejects a limit or window that is not a positive integer', async (context) => {
    for (const rule of [{ limit: 0, windowMs: 1_000 }, { limit: 1.5, windowMs: 1_000 }, { limit: 1, windowMs: 0 }, { limit: 1, windowMs: Number.NaN }]) {
      assert.instance(await caught(() => state(context).rateLimiter.consume(key(), rule)), RangeError);
    }
  });

  test('consumes several keys in turn, one decision for each', async (context) => {
    const [address, user] = [key(), key()];
    const decisions = await state(context).rateLimiter.consumeInTurn([
      { key: address, rule: { limit: 3, windowMs: 60_000 } },
      { key: user, rule: { limit: 2, windowMs: 60_000 } },
    ]);
    assert.equal(decisions, [
      { allowed: true, remaining: 2, retryAfterMs: 0, resetMs: 20_000 },
      { allowed: true, remaining: 1, retryAfterMs: 0, resetMs: 30_000 },
    ]);
    assert.is((await state(context).rateLimiter.consume(address, { limit: 3, windowMs: 60_000 })).remaining, 1);
    assert.is((await state(context).rateLimiter.consume(user, { limit: 2, windowMs: 60_000 })).remaining, 0);
    assert.equal(await state(context).rateLimiter.consumeInTurn([]), []);
  });

  test('stops at the first refusal: the keys after it are not charged', async (context) => {
    const [address, user] = [key(), key()];
    const rule = { limit: 1, windowMs: 1_000 };
    await state(context).rateLimiter.consume(address, rule);
    context.clock.advance(400);
    const decisions = await state(context).rateLimiter.consumeInTurn([
      { key: address, rule },
      { key: user, rule },
    ]);
    assert.equal(decisions, [{ allowed: false, remaining: 0, retryAfterMs: 600, resetMs: 600 }]);
    assert.ok((await state(context).rateLimiter.consume(user, rule)).allowed, 'the user was not charged');
  });

  test('charges the keys before a refusal', async (context) => {
    const [address, user] = [key(), key()];
    const rule = { limit: 2, windowMs: 60_000 };
    await state(context).rateLimiter.consume(user, { limit: 1, windowMs: 60_000 });
    const decisions = await state(context).rateLimiter.consumeInTurn([
      { key: address, rule },
      { key: user, rule: { limit: 1, windowMs: 60_000 } },
    ]);
    assert.equal(decisions.map((d) => [d.allowed, d.remaining]), [[true, 1], [false, 0]]);
    assert.equal((await state(context).rateLimiter.consume(address, rule)).remaining, 0);
  });

  test('consumes in turn exactly under 50 concurrent requests sharing a key', async (context) => {
    const address = key();
    const users = [key(), key()];
    const decisions = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        state(context).rateLimiter.consumeInTurn([
          { key: address, rule: { limit: 10, windowMs: 60_000 } },
          { key: users[i % 2]!, rule: { limit: 4, windowMs: 60_000 } },
        ]),
      ),
    );
    assert.is(decisions.filter(([byAddress]) => byAddress?.allowed).length, 10);
    assert.is(decisions.filter((turn) => turn.length === 2).length, 10, 'only requests the address allowed reach the user');
    assert.is(decisions.filter((turn) => turn.length === 2 && turn[1]?.allowed).length, 8);
  });

  test('rejects a bad rule in a turn before charging any key', async (context) => {
    const good = key();
    const error = await caught(() =>
      state(context).rateLimiter.consumeInTurn([
        { key: good, rule: { limit: 1, windowMs: 1_000 } },
        { key: key(), rule: { limit: 0, windowMs: 1_000 } },
      ]),
    );
    assert.instance(error, RangeError);
    assert.ok((await state(context).rateLimiter.consume(good, { limit: 1, windowMs: 1_000 })).allowed);
  });

  test.run();
}

function denyListContract(label: string, open: OpenVolatileState): void {
  const test = contractSuite(`token deny-list on ${label}`, open);
  const at = (context: Context, offsetMs: number): Date => new Date(context.clock.now() + offsetMs);

  test('denies a token until its expiry and forgets it at that moment', async (context) => {
    const token = key();
    await state(context).denyList.deny(token, at(context, 1_000));
    assert.ok(await state(context).denyList.isDenied(token));
    context.clock.advance(999);
    assert.ok(await state(context).denyList.isDenied(token));
    context.clock.advance(1);
    assert.not.ok(await state(context).denyList.isDenied(token));
  });

  test('denies no token nobody denied', async (context) => {
    assert.not.ok(await state(context).denyList.isDenied(key()));
  });

  test('ignores a denial whose expiry has already passed', async (context) => {
    const token = key();
    await state(context).denyList.deny(token, at(context, -1));
    assert.not.ok(await state(context).denyList.isDenied(token));
  });

  test('never shortens an earlier denial', async (context) => {
    const token = key();
    await state(context).denyList.deny(token, at(context, 2_000));
    await state(context).denyList.deny(token, at(context, 500));
    context.clock.advance(1_000);
    assert.ok(await state(context).denyList.isDenied(token));
  });

  test('revokes every token of a subject issued before a moment in one write', async (context) => {
    const [subject, other] = [key(), key()];
    const now = at(context, 0);
    await state(context).denyList.denyAllBefore(subject, now, at(context, 3_600_000));
    assert.equal(await state(context).denyList.deniedBefore(subject), now);
    assert.is(await state(context).denyList.deniedBefore(other), null);
  });

  test('moves a subject\'s moment only forwards, and keeps the later expiry', async (context) => {
    const subject = key();
    const later = at(context, 0);
    await state(context).denyList.denyAllBefore(subject, later, at(context, 10_000));
    await state(context).denyList.denyAllBefore(subject, at(context, -60_000), at(context, 1_000));
    assert.equal(await state(context).denyList.deniedBefore(subject), later);
    context.clock.advance(5_000);
    assert.equal(await state(context).denyList.deniedBefore(subject), later);
    const latest = at(context, 0);
    await state(context).denyList.denyAllBefore(subject, latest, at(context, 1_000));
    assert.equal(await state(context).denyList.deniedBefore(subject), latest);
    context.clock.advance(4_999);
    assert.equal(await state(context).denyList.deniedBefore(subject), latest, 'the longer expiry of the first call still holds');
  });

  test('forgets a subject\'s moment once its expiry has passed', async (context) => {
    const subject = key();
    await state(context).denyList.denyAllBefore(subject, at(context, 0), at(context, 1_000));
    context.clock.advance(1_000);
    assert.is(await state(context).denyList.deniedBefore(subject), null);
  });

  test('rejects a date that is not a date', async (context) => {
    const invalid = new Date(Number.NaN);
    assert.instance(await caught(() => state(context).denyList.deny(key(), invalid)), RangeError);
    assert.instance(await caught(() => state(context).denyList.denyAllBefore(key(), invalid, at(context, 1_000))), RangeError);
  });

  test.run();
}

function cacheContract(label: string, open: OpenVolatileState): void {
  const test = contractSuite(`cache on ${label}`, open);

  test('returns what was set, as a copy the reader may change', async (context) => {
    const k = key();
    const value = { title: 'printer "jam" ✓', count: 3, tags: ['a', 'b'], nested: { ok: true, none: null } };
    await state(context).cache.set(k, value, 60_000);
    const read = await state(context).cache.get<{ tags: string[] }>(k);
    assert.equal(read, value);
    read?.tags.push('mutated');
    assert.equal(await state(context).cache.get(k), value);
  });

  test('misses an unknown key with undefined and keeps a stored null', async (context) => {
    const k = key();
    assert.is(await state(context).cache.get(k), undefined);
    await state(context).cache.set(k, null, 60_000);
    assert.is(await state(context).cache.get(k), null);
  });

  test('expires a value exactly when its ttl has passed', async (context) => {
    const k = key();
    await state(context).cache.set(k, 'v', 1_000);
    context.clock.advance(999);
    assert.is(await state(context).cache.get(k), 'v');
    context.clock.advance(1);
    assert.is(await state(context).cache.get(k), undefined);
  });

  test('overwrites a value together with its ttl', async (context) => {
    const k = key();
    await state(context).cache.set(k, 1, 1_000);
    await state(context).cache.set(k, 2, 5_000);
    context.clock.advance(2_000);
    assert.is(await state(context).cache.get(k), 2);
  });

  test('deletes a value, and deleting a missing key is fine', async (context) => {
    const k = key();
    await state(context).cache.set(k, 'v', 60_000);
    await state(context).cache.delete(k);
    assert.is(await state(context).cache.get(k), undefined);
    await state(context).cache.delete(key());
  });

  test('getOrLoad loads once for 20 concurrent callers and serves the cache afterwards', async (context) => {
    const k = key();
    let loads = 0;
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const load = async () => {
      loads += 1;
      await gate;
      return { loaded: loads };
    };
    const callers = Promise.all(Array.from({ length: 20 }, () => state(context).cache.getOrLoad(k, 60_000, load)));
    await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    const results = await callers;
    assert.is(loads, 1);
    for (const result of results) assert.equal(result, { loaded: 1 });
    assert.equal(await state(context).cache.getOrLoad(k, 60_000, load), { loaded: 1 });
    assert.is(loads, 1);
  });

  test('getOrLoad caches nothing when the load fails, and the next call loads again', async (context) => {
    const k = key();
    let loads = 0;
    const failing = async () => {
      loads += 1;
      await Promise.resolve();
      throw new Error('source down');
    };
    const outcomes = await Promise.allSettled([1, 2, 3].map(() => state(context).cache.getOrLoad(k, 60_000, failing)));
    assert.equal(outcomes.map((o) => o.status), ['rejected', 'rejected', 'rejected']);
    assert.is(loads, 1);
    assert.is(await state(context).cache.get(k), undefined);
    assert.is(await state(context).cache.getOrLoad(k, 60_000, () => Promise.resolve('fresh')), 'fresh');
  });

  test('getOrLoad loads again once the ttl has passed', async (context) => {
    const k = key();
    let loads = 0;
    const load = () => Promise.resolve((loads += 1));
    assert.is(await state(context).cache.getOrLoad(k, 1_000, load), 1);
    context.clock.advance(999);
    assert.is(await state(context).cache.getOrLoad(k, 1_000, load), 1);
    context.clock.advance(1);
    assert.is(await state(context).cache.getOrLoad(k, 1_000, load), 2);
  });

  test('rejects a ttl that is not a positive integer', async (context) => {
    assert.instance(await caught(() => state(context).cache.set(key(), 'v', 0)), RangeError);
    assert.instance(await caught(() => state(context).cache.getOrLoad(key(), -5, () => Promise.resolve('v'))), RangeError);
  });

  test.run();
}
