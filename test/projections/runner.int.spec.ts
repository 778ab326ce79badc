import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { openDatabase } from '../../src/db/open.js';
import type { Database } from '../../src/db/types.js';
import { PostgresEventStore } from '../../src/eventstore/postgres/store.js';
import { lockProjection, resetCheckpoint } from '../../src/projections/checkpoints.js';
import { ProjectionRunner } from '../../src/projections/runner.js';
import { comparePositions } from '../../src/eventstore/types.js';
import type { TestDatabase } from '../support/database.js';
import { createTestDatabase } from '../support/database.js';
import { newEvent, streamName } from '../support/events.js';
import { silentLogger } from '../support/logger.js';
import { tallyProjection, tallyRows } from '../support/tally-projection.js';

interface Context {
  database?: TestDatabase;
  store?: PostgresEventStore;
}

const test = suite<Context>('projection runner', {});

test.before.each(async (context) => {
  context.database = await createTestDatabase();
  context.store = new PostgresEventStore(context.database.db);
});
test.after.each(async (context) => {
  await context.store?.close();
  await context.database?.drop();
});

function runnerFor(db: Database, store: PostgresEventStore, version = 1): ProjectionRunner {
  return new ProjectionRunner({ db, store, projections: [tallyProjection({ version })], logger: silentLogger, batchSize: 7, idleWaitMs: 100 });
}

/** The store, noting how many events each read of the log returned. */
function countingReads(store: PostgresEventStore, reads: number[]): PostgresEventStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (property !== 'readAll' || typeof value !== 'function') return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      return (...args: Parameters<PostgresEventStore['readAll']>) => target.readAll(...args).then((page) => (reads.push(page.events.length), page));
    },
  });
}

async function appendSome(store: PostgresEventStore, streams: number, perStream: number): Promise<void> {
  for (let s = 0; s < streams; s += 1) {
    await store.appendToStream(streamName(), Array.from({ length: perStream }, (_, i) => newEvent(`E${i}`)), 'no_stream');
  }
  await store.appendToStream(streamName('other'), [newEvent('Ignored')], 'no_stream');
}

test('applies the log in batches and records how far it got', async ({ database, store }) => {
  await appendSome(store!, 5, 4);
  const runner = runnerFor(database!.db, store!);
  await runner.prepare();
  await runner.catchUp();
  const rows = await tallyRows(database!.db.knex);
  assert.is(rows.ledger.length, 20);
  assert.ok(rows.ledger.every((row) => (row as { times: number }).times === 1));
  assert.equal(rows.streams.map((row) => (row as { events: number }).events), [4, 4, 4, 4, 4]);
  const [lag] = await runner.lag();
  assert.is(lag?.eventsBehind, 0);
  assert.is(lag?.checkpoint, lag?.head);
});

test('reports lag while behind', async ({ database, store }) => {
  const runner = runnerFor(database!.db, store!);
  await runner.prepare();
  const before = await store!.committedHeadPosition();
  await appendSome(store!, 3, 2);
  // Lag counts what followers can see; another database's open transaction may hide it a moment.
  const committed = await store!.committedHeadPosition();
  while (comparePositions(await store!.headPosition(), committed) < 0) await store!.waitForAppend(before, 100);
  const [lag] = await runner.lag();
  assert.is(lag?.eventsBehind, 6);
  assert.ok((lag?.secondsBehind ?? -1) >= 0);
});

test('a rebuild from the log equals the live result', async ({ database, store }) => {
  const runner = runnerFor(database!.db, store!);
  await runner.prepare();
  runner.start();
  await appendSome(store!, 6, 3);
  const head = await store!.committedHeadPosition();
  assert.ok(await runner.waitFor(head, 10_000), 'live runner caught up');
  await runner.stop();
  const live = await tallyRows(database!.db.knex);
  await runner.rebuild('test_tally');
  assert.equal(await tallyRows(database!.db.knex), live);
});

test('a new projection version rebuilds on prepare', async ({ database, store }) => {
  await appendSome(store!, 2, 2);
  const first = runnerFor(database!.db, store!, 1);
  await first.prepare();
  await first.catchUp();
  await database!.db.knex('test_tally_streams').update({ events: 99 });
  const second = runnerFor(database!.db, store!, 2);
  await second.prepare();
  await second.catchUp();
  const rows = await tallyRows(database!.db.knex);
  assert.equal(rows.streams.map((row) => (row as { events: number }).events), [2, 2]);
});

test('two runners started together apply each event exactly once', async ({ database, store }) => {
  // On a real server the second runner gets its own pool, as a second process would.
  const otherDb = database!.url ? await openDatabase({ kind: 'postgres', url: database!.url, poolSize: 4 }) : database!.db;
  const otherStore = otherDb === database!.db ? store! : new PostgresEventStore(otherDb);
  const a = runnerFor(database!.db, store!);
  const b = runnerFor(otherDb, otherStore);
  await a.prepare();
  await b.prepare();
  a.start();
  b.start();
  const writers = Array.from({ length: 4 }, () => appendSome(store!, 10, 3));
  await Promise.all(writers);
  assert.ok(await a.waitFor(await store!.committedHeadPosition(), 20_000), 'runners caught up');
  await Promise.all([a.stop(), b.stop()]);
  const rows = await tallyRows(database!.db.knex);
  assert.is(rows.ledger.length, 120);
  assert.ok(rows.ledger.every((row) => (row as { times: number }).times === 1), 'no event applied twice');
  if (otherDb !== database!.db) {
    await otherStore.close();
    await otherDb.close();
  }
});

test('one feed serves projections reading different parts of the log: each applies its own events once', async ({ database, store }) => {
  const projections = [
    tallyProjection({ name: 'tally_test' }),
    tallyProjection({ name: 'tally_other', categories: ['other'] }),
    tallyProjection({ name: 'tally_both', categories: ['test', 'other'] }),
    // Slower than the rest: the others must not wait for it, nor it skip anything.
    tallyProjection({ name: 'tally_slow', slowMs: 20 }),
    tallyProjection({ name: 'tally_none', categories: ['nothing'] }),
  ];
  const runner = new ProjectionRunner({ db: database!.db, store: store!, projections, logger: silentLogger, batchSize: 7, idleWaitMs: 100 });
  await runner.prepare();
  runner.start();
  // Appends keep coming while the feed works: 4 writers × (10 streams × 3 events + 1 other).
  await Promise.all(Array.from({ length: 4 }, () => appendSome(store!, 10, 3)));
  const head = await store!.committedHeadPosition();
  assert.ok(await runner.waitFor(head, 30_000, projections.map((projection) => projection.name)), 'every projection reached the head');
  await runner.stop();
  const expected = { tally_test: 120, tally_other: 4, tally_both: 124, tally_slow: 120, tally_none: 0 };
  for (const [name, count] of Object.entries(expected)) {
    const rows = await tallyRows(database!.db.knex, name);
    assert.is(rows.ledger.length, count, `${name} applied ${rows.ledger.length} events`);
    assert.ok(rows.ledger.every((row) => (row as { times: number }).times === 1), `${name} applied no event twice`);
  }
  const checkpoints = await database!.db.knex('projection_checkpoints').select('name', 'commit_position', 'prepare_position', 'events_applied');
  for (const projection of projections) {
    const checkpoint = checkpoints.find((row: { name: string }) => row.name === projection.name) as { commit_position: string; prepare_position: string; events_applied: string };
    assert.is(comparePositions({ commit: BigInt(checkpoint.commit_position), prepare: BigInt(checkpoint.prepare_position) }, head), 0, `${projection.name} stands at the head`);
    assert.is(Number(checkpoint.events_applied), expected[projection.name as keyof typeof expected]);
  }
});

test('a rebuild begun elsewhere is not mistaken for caught up: waitFor believes the table over the feed\'s memory', async ({ database, store }) => {
  // Two rows a batch, a second each: a projection that starts over is seconds from the head again.
  const runner = new ProjectionRunner({ db: database!.db, store: store!, projections: [tallyProjection({ slowMs: 1_000 })], logger: silentLogger, batchSize: 2, idleWaitMs: 100 });
  await runner.prepare();
  runner.start();
  try {
    await appendSome(store!, 2, 2);
    const head = await store!.committedHeadPosition();
    assert.ok(await runner.waitFor(head, 30_000), 'caught up before the rebuild');
    // Another process starts a rebuild: empty tables, checkpoint back at the start of the log.
    const { knex } = database!.db;
    await knex.transaction(async (trx) => {
      await lockProjection(trx, 'test_tally');
      await trx('test_tally_ledger').delete();
      await trx('test_tally_streams').delete();
      await resetCheckpoint(trx, 'test_tally', 1);
    });
    assert.is(await runner.waitFor(head, 300), false, 'not caught up while the projection starts over');
    assert.ok(await runner.waitFor(head, 30_000), 'caught up again once it has replayed the log');
    const rows = await tallyRows(knex);
    assert.is(rows.ledger.length, 4);
    assert.ok(rows.ledger.every((row) => (row as { times: number }).times === 1), 'each event applied once after the restart');
  } finally {
    await runner.stop();
  }
});

test('a rebuild of several projections replays the log once for all of them, each event applied once', async ({ database, store }) => {
  const projections = [
    tallyProjection({ name: 'tally_test' }),
    tallyProjection({ name: 'tally_other', categories: ['other'] }),
    tallyProjection({ name: 'tally_none', categories: ['nothing'] }),
  ];
  const reads: number[] = [];
  const counting = countingReads(store!, reads);
  const runner = new ProjectionRunner({ db: database!.db, store: counting, projections, logger: silentLogger, catchUpBatchSize: 1_000 });
  await runner.prepare();
  await Promise.all(Array.from({ length: 4 }, () => appendSome(store!, 25, 4)));
  const batches: string[] = [];
  await runner.rebuild(
    projections.map((projection) => projection.name),
    (batch) => batches.push(batch.projection),
  );
  const expected = { tally_test: 400, tally_other: 4, tally_none: 0 };
  for (const [name, count] of Object.entries(expected)) {
    const rows = await tallyRows(database!.db.knex, name);
    assert.is(rows.ledger.length, count, `${name} applied ${rows.ledger.length} events`);
    assert.ok(rows.ledger.every((row) => (row as { times: number }).times === 1), `${name} applied no event twice`);
  }
  // 404 events fit one page: the three projections shared one read of it (each reading on its own
  // would read 1,212). Reads that found nothing are not counted: while the catch-up notices that
  // everyone got there, a loaded machine looks at the end of the log again every 100 ms.
  const eventsRead = reads.reduce((sum, count) => sum + count, 0);
  assert.is(eventsRead, 404, `events read in ${reads.length} reads of the log: ${reads.join(', ')}`);
  assert.equal(new Set(batches), new Set(['tally_test', 'tally_other', 'tally_none']));
});

test('a rebuild whose read models run at different speeds reads each page of the log once: the one ahead waits once the kept pages are full', async ({ database, store }) => {
  const projections = [tallyProjection({ name: 'tally_fast' }), tallyProjection({ name: 'tally_slow', slowMs: 15 })];
  const reads: number[] = [];
  const counting = countingReads(store!, reads);
  // 50 pages of 10: twice what the feed keeps, so the fast projection is held back for the slow one.
  const runner = new ProjectionRunner({ db: database!.db, store: counting, projections, logger: silentLogger, catchUpBatchSize: 10 });
  await runner.prepare();
  await Promise.all(Array.from({ length: 5 }, () => appendSome(store!, 25, 4)));
  await runner.rebuild(projections.map((projection) => projection.name));
  const total = 5 * (25 * 4 + 1);
  for (const name of ['tally_fast', 'tally_slow']) {
    const rows = await tallyRows(database!.db.knex, name);
    assert.is(rows.ledger.filter((row) => (row as { times: number }).times === 1).length, 500, `${name} applied each event once`);
    assert.is(rows.ledger.length, 500);
  }
  const eventsRead = reads.reduce((sum, count) => sum + count, 0);
  // Each full page once; only the last, partial page (still growing as far as the feed knows) is read by each.
  assert.ok(eventsRead <= total + 10, `${eventsRead} events read for a log of ${total}`);
});

test('a paced catch-up does not hold its read models for one being re-created under another version elsewhere', async ({ database, store }) => {
  const projections = [tallyProjection({ name: 'tally_going' }), tallyProjection({ name: 'tally_recreated' })];
  const runner = new ProjectionRunner({ db: database!.db, store: store!, projections, logger: silentLogger, catchUpBatchSize: 10 });
  await runner.prepare();
  await Promise.all(Array.from({ length: 5 }, () => appendSome(store!, 25, 4)));
  // Another process prepared a newer version of it: this feed leaves it alone, at the log's start.
  await database!.db.knex.transaction((trx) => resetCheckpoint(trx, 'tally_recreated', 2));
  assert.is(await runner.catchUp(['tally_going', 'tally_recreated'], 3_000), false, 'the re-created one is not this catch-up\'s to finish');
  assert.is((await tallyRows(database!.db.knex, 'tally_going')).ledger.length, 500, 'the other went on past the kept pages to the head');
});

test('a catch-up stops at the first failing batch and says why', async ({ database, store }) => {
  const failing = { ...tallyProjection({ name: 'tally_failing' }), apply: () => Promise.reject(new Error('read model broke')) };
  const runner = new ProjectionRunner({ db: database!.db, store: store!, projections: [tallyProjection(), failing], logger: silentLogger });
  await runner.prepare();
  await appendSome(store!, 3, 2);
  const started = Date.now();
  let failure: unknown = null;
  await runner.catchUp(['test_tally', 'tally_failing'], 30_000).catch((error: unknown) => (failure = error));
  assert.instance(failure, Error);
  assert.is((failure as Error).message, 'read model broke');
  assert.ok(Date.now() - started < 10_000, 'did not wait for the deadline');
  const checkpoints: Array<{ events_applied: string }> = await database!.db.knex('projection_checkpoints').where({ name: 'tally_failing' }).select('events_applied');
  assert.is(Number(checkpoints[0]?.events_applied), 0, 'the failed batch rolled back');
});

test('a catch-up says whether it got there: false past its deadline, true once at the head', async ({ database, store }) => {
  const runner = new ProjectionRunner({ db: database!.db, store: store!, projections: [tallyProjection({ slowMs: 300 })], logger: silentLogger, batchSize: 2 });
  await runner.prepare();
  await appendSome(store!, 3, 2);
  assert.is(await runner.catchUp(['test_tally'], 100), false);
  assert.is(await runner.catchUp(['test_tally'], 30_000), true);
  assert.is((await tallyRows(database!.db.knex)).ledger.length, 6);
});

test('a catch-up of a projection that was never prepared is refused', async ({ database, store }) => {
  const runner = runnerFor(database!.db, store!);
  const failure = await runner.catchUp(['test_tally'], 1_000).then(
    () => null,
    (error: unknown) => error,
  );
  assert.match(String(failure), /test_tally is not prepared/);
});

test('settle, before a stop, lets the running feed apply everything committed, including read models no answer waits for', async ({ database, store }) => {
  const projections = [tallyProjection({ name: 'tally_answers' }), { ...tallyProjection({ name: 'tally_reports', slowMs: 100 }), runs: 'async' as const }];
  const runner = new ProjectionRunner({ db: database!.db, store: store!, projections, logger: silentLogger, batchSize: 5, idleWaitMs: 100 });
  await runner.prepare();
  assert.is(await runner.settle(1_000), true, 'nothing to settle when no feed runs here');
  runner.start();
  try {
    await appendSome(store!, 6, 3);
    const head = await store!.committedHeadPosition();
    assert.ok(await runner.settle(30_000));
    const checkpoints = await database!.db.knex('projection_checkpoints').whereIn('name', ['tally_answers', 'tally_reports']).select('name', 'commit_position', 'prepare_position');
    assert.is(checkpoints.length, 2);
    for (const row of checkpoints as Array<{ name: string; commit_position: string; prepare_position: string }>) {
      assert.is(comparePositions({ commit: BigInt(row.commit_position), prepare: BigInt(row.prepare_position) }, head), 0, `${row.name} stands at the head`);
    }
  } finally {
    await runner.stop();
  }
});

test('waitFor answers false when the projection does not get there in time', async ({ database, store }) => {
  const runner = runnerFor(database!.db, store!);
  await runner.prepare();
  await appendSome(store!, 1, 1);
  assert.is(await runner.waitFor(await store!.committedHeadPosition(), 50), false);
});

test.run();
