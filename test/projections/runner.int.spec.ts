import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { openDatabase } from '../../src/db/open.js';
import type { Database } from '../../src/db/types.js';
import { PostgresEventStore } from '../../src/eventstore/postgres/store.js';
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

test('waitFor answers false when the projection does not get there in time', async ({ database, store }) => {
  const runner = runnerFor(database!.db, store!);
  await runner.prepare();
  await appendSome(store!, 1, 1);
  assert.is(await runner.waitFor(await store!.committedHeadPosition(), 50), false);
});

test.run();
