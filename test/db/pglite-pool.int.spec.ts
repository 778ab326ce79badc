import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import * as assert from 'uvu/assert';
import { openDatabase } from '../../src/db/open.js';
import { asOneCaller } from '../../src/db/turns.js';
import type { Database } from '../../src/db/types.js';
import { suite } from '../support/suite.js';

/** PGlite's one connection, shared so that a long command neither starves the event loop nor the other callers. */
const test = suite<{ db?: Database }>('PGlite session pool', {});

test.before.each(async (context) => {
  context.db = await openDatabase({ kind: 'pglite', dataDir: null });
});
test.after.each(async (context) => {
  await context.db?.close();
});

test('a caller with many sessions waiting takes one turn among the other callers, not one per session', async ({ db }) => {
  const held = await db!.pool.connect();
  const order: string[] = [];
  const take = async (name: string) => {
    const session = await db!.pool.connect();
    order.push(name);
    session.release();
  };
  const bulk = asOneCaller(() => Promise.all([1, 2, 3, 4].map((n) => take(`bulk ${n}`))));
  await sleep(20);
  const single = take('single');
  await sleep(20);
  held.release();
  await Promise.all([bulk, single]);
  assert.equal(order, ['bulk 1', 'single', 'bulk 2', 'bulk 3', 'bulk 4']);
});

test('a long run of statements gives the event loop turns, so requests are read meanwhile', async ({ db }) => {
  let turns = 0;
  const ticker = setInterval(() => (turns += 1), 1);
  const session = await db!.pool.connect();
  let statements = 0;
  try {
    const started = performance.now();
    while (performance.now() - started < 200) {
      await session.query('SELECT 1');
      statements += 1;
    }
  } finally {
    session.release();
    clearInterval(ticker);
  }
  assert.ok(turns >= 3, `${turns} timer turns during 200 ms of ${statements} statements`);
});

test('closing waits for the session that is out, then closes', async ({ db }) => {
  const session = await db!.pool.connect();
  const closing = db!.close();
  await sleep(20);
  session.release();
  assert.is(await Promise.race([closing.then(() => 'closed'), sleep(10_000).then(() => 'still closing')]), 'closed');
});

test.run();
