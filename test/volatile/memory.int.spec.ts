import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { openVolatileState } from '../../src/volatile/index.js';
import { MemoryCache } from '../../src/volatile/memory/cache.js';
import { MemoryTokenDenyList } from '../../src/volatile/memory/deny-list.js';
import { MemoryRateLimiter } from '../../src/volatile/memory/rate-limiter.js';
import { manualClock, volatileStateContract } from './contract.js';

volatileStateContract('memory', async (clock) => {
  const state = await openVolatileState({ kind: 'memory' }, { clock });
  return { state, close: () => state.close() };
});

const test = suite('memory volatile state: does not leak');

test('sweeps expired windows, denials and cache entries that nobody reads again', async () => {
  const clock = manualClock();
  const rateLimiter = new MemoryRateLimiter({ clock: clock.now });
  const denyList = new MemoryTokenDenyList({ clock: clock.now });
  const cache = new MemoryCache({ clock: clock.now });
  try {
    for (let i = 0; i < 100; i += 1) {
      // One a second: the key is idle again exactly when the other entries expire.
      await rateLimiter.consume(`k${i}`, { limit: 1, windowMs: 1_000 });
      await denyList.deny(`t${i}`, new Date(clock.now() + 1_000));
      await denyList.denyAllBefore(`s${i}`, new Date(clock.now()), new Date(clock.now() + 1_000));
      await cache.set(`c${i}`, i, 1_000);
    }
    await cache.set('lasting', 'v', 5_000);
    clock.advance(999);
    assert.equal([rateLimiter.sweep(), denyList.sweep(), cache.sweep()], [0, 0, 0]);
    clock.advance(1);
    assert.equal([rateLimiter.sweep(), denyList.sweep(), cache.sweep()], [100, 200, 100]);
    assert.equal([rateLimiter.size, denyList.size, cache.size], [0, 0, 1]);
  } finally {
    rateLimiter.close();
    denyList.close();
    cache.close();
  }
});

test('drops an expired entry as soon as it is read', async () => {
  const clock = manualClock();
  const cache = new MemoryCache({ clock: clock.now });
  const denyList = new MemoryTokenDenyList({ clock: clock.now });
  try {
    await cache.set('c', 'v', 10);
    await denyList.deny('t', new Date(clock.now() + 10));
    clock.advance(10);
    await cache.get('c');
    await denyList.isDenied('t');
    assert.equal([cache.size, denyList.size], [0, 0]);
  } finally {
    cache.close();
    denyList.close();
  }
});

test('sweeps on an unref\'d timer, and close stops the timer', async () => {
  const clock = manualClock();
  const cache = new MemoryCache({ clock: clock.now, sweepEveryMs: 5 });
  await cache.set('a', 'v', 10);
  clock.advance(10);
  await sleep(40);
  assert.is(cache.size, 0, 'the timer swept');
  cache.close();
  await cache.set('b', 'v', 10);
  clock.advance(10);
  await sleep(40);
  assert.is(cache.size, 1, 'no sweep after close');
});

test('keeps at most maxEntries cache entries, dropping the oldest written', async () => {
  const clock = manualClock();
  const cache = new MemoryCache({ clock: clock.now, maxEntries: 3 });
  try {
    for (const k of ['a', 'b', 'c']) await cache.set(k, k, 60_000);
    await cache.set('a', 'again', 60_000);
    await cache.set('d', 'd', 60_000);
    assert.is(cache.size, 3);
    assert.equal(await Promise.all(['a', 'b', 'c', 'd'].map((k) => cache.get(k))), ['again', undefined, 'c', 'd']);
  } finally {
    cache.close();
  }
});

test('holds one value per rate-limit key however hard it is hit', async () => {
  const clock = manualClock();
  const rateLimiter = new MemoryRateLimiter({ clock: clock.now });
  try {
    for (let i = 0; i < 1_000; i += 1) {
      await rateLimiter.consume('hot', { limit: 3, windowMs: 60_000 });
      clock.advance(1);
    }
    assert.is(rateLimiter.size, 1);
    // Three passed at 0, 1 and 2 ms; the next is due one interval (20 s) after the first.
    const next = await rateLimiter.consume('hot', { limit: 3, windowMs: 60_000 });
    assert.equal(next, { allowed: false, remaining: 0, retryAfterMs: 19_000, resetMs: 59_000 });
  } finally {
    rateLimiter.close();
  }
});

test.run();

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
