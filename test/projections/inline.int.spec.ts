import * as assert from 'uvu/assert';
import { suite } from '../support/suite.js';
import { PostgresEventStore } from '../../src/eventstore/postgres/store.js';
import { readCheckpoint } from '../../src/projections/checkpoints.js';
import { ProjectionRunner } from '../../src/projections/runner.js';
import type { RecordedEvent } from '../../src/eventstore/types.js';
import type { TestDatabase } from '../support/database.js';
import { createTestDatabase } from '../support/database.js';
import { caught, newEvent, streamName } from '../support/events.js';
import { silentLogger } from '../support/logger.js';
import { tallyProjection, tallyRows } from '../support/tally-projection.js';

interface Context {
  database?: TestDatabase;
  store?: PostgresEventStore;
}

const test = suite<Context>('inline projections', {});

test.before.each(async (context) => {
  context.database = await createTestDatabase();
  context.store = new PostgresEventStore(context.database.db);
});
test.after.each(async (context) => {
  context.store?.writeInline(null);
  await context.store?.close();
  await context.database?.drop();
});

function inlineRunner(context: Context, options: { version?: number; onApply?: (events: readonly RecordedEvent[]) => void } = {}): ProjectionRunner {
  const runner = new ProjectionRunner({
    db: context.database!.db,
    store: context.store!,
    projections: [tallyProjection({ ...(options.version ? { version: options.version } : {}), ...(options.onApply ? { onApply: options.onApply } : {}) })],
    logger: silentLogger,
    batchSize: 7,
    idleWaitMs: 100,
    inlineWrites: true,
  });
  context.store!.writeInline(runner.inlineWriter);
  return runner;
}

async function ledgerTimes(context: Context): Promise<number[]> {
  const { ledger } = await tallyRows(context.database!.db.knex);
  return (ledger as Array<{ times: number }>).map((row) => row.times);
}

test('given a prepared inline projection, when events are appended, then its rows are there as the append returns, with no feed running', async (context) => {
  const runner = inlineRunner(context);
  await runner.prepare();
  assert.ok((await readCheckpoint(context.database!.db.knex, 'test_tally'))?.inline, 'a fresh database goes inline at once');
  const stream = streamName();
  await context.store!.appendToStream(stream, [newEvent('Opened'), newEvent('Commented')], 'no_stream');
  const rows = await tallyRows(context.database!.db.knex);
  assert.equal(rows.streams, [{ stream_id: stream, events: 2, last_type: 'Commented' }]);
  assert.ok(await runner.waitFor(await context.store!.committedHeadPosition(), 1), 'an answer waits for nothing');
});

test('given an inline projection that fails, when an event is appended, then the append is refused and nothing of it is written', async (context) => {
  const runner = inlineRunner(context, {
    onApply: (events) => {
      if (events.some((event) => event.type === 'Poison')) throw new Error('read model refuses the event');
    },
  });
  await runner.prepare();
  const stream = streamName();
  const failure = await caught(() => context.store!.appendToStream(stream, [newEvent('Poison')], 'no_stream'));
  assert.match(String(failure), /refuses the event/);
  assert.is(await context.store!.streamInfo(stream), null, 'the stream was not written');
  assert.equal((await context.store!.readAll({ maxCount: 10 })).events, []);
  assert.equal(await ledgerTimes(context), []);
});

test('given a read model written inline, when something that does not write it appends, then the database refuses the append and nothing is written', async (context) => {
  const runner = inlineRunner(context);
  await runner.prepare();
  // Another process on the same database: an event store with no inline writer (an older release, a script).
  const bare = new PostgresEventStore(context.database!.db);
  try {
    const stream = streamName();
    const refused = await caught(() => bare.appendToStream(stream, [newEvent('Opened')], 'no_stream'));
    assert.match(String(refused), /writes none of the read models .*test_tally/);
    assert.is(await context.store!.streamInfo(stream), null, 'the stream was not written');
    // The process that writes inline appends as before, and the read model has every event.
    await context.store!.appendToStream(stream, [newEvent('Opened')], 'no_stream');
    assert.equal(await ledgerTimes(context), [1]);
  } finally {
    await bare.close();
  }
});

test('given a log whose tail an inline projection cannot apply, when the process prepares, then it starts with that projection fed from the log', async (context) => {
  // Written while nothing was inline: the poison is already in the log when the next process starts.
  const stream = streamName();
  await context.store!.appendToStream(stream, [newEvent('Poison')], 'no_stream');
  const runner = inlineRunner(context, {
    onApply: (events) => {
      if (events.some((event) => event.type === 'Poison')) throw new Error('read model refuses the event');
    },
  });
  await runner.prepare();
  const checkpoint = await readCheckpoint(context.database!.db.knex, 'test_tally');
  assert.equal([checkpoint?.inline, checkpoint?.eventsApplied], [false, 0], 'left to the feed, nothing applied');
  // Appends go on, unrefused: the projection is not written inline.
  await context.store!.appendToStream(streamName(), [newEvent('Opened')], 'no_stream');
  assert.equal(await ledgerTimes(context), []);
});

test('given appends going on, when the inline projection is rebuilt, then every event is applied exactly once and the rows equal a rebuild from the log', async (context) => {
  const runner = inlineRunner(context);
  await runner.prepare();
  const streams = Array.from({ length: 6 }, () => streamName());
  for (const stream of streams) await context.store!.appendToStream(stream, [newEvent('E0')], 'no_stream');
  let stop = false;
  let appended = streams.length;
  const writers = streams.map(async (stream) => {
    for (let revision = 0; !stop && revision < 40; revision += 1) {
      await context.store!.appendToStream(stream, [newEvent(`E${revision + 1}`)], revision);
      appended += 1;
    }
  });
  await runner.rebuild('test_tally');
  stop = true;
  await Promise.all(writers);
  assert.ok((await readCheckpoint(context.database!.db.knex, 'test_tally'))?.inline, 'the rebuilt projection is written inline again');
  const times = await ledgerTimes(context);
  assert.is(times.length, appended, 'every event has its row');
  assert.ok(times.every((count) => count === 1), 'no event applied twice');
  const live = await tallyRows(context.database!.db.knex);
  await runner.rebuild('test_tally');
  assert.equal(await tallyRows(context.database!.db.knex), live, 'a rebuild from the log gives the live rows');
});

test('given a read model written inline at another version, when a process of another release appends, then the append is refused', async (context) => {
  const current = inlineRunner(context, { version: 2 });
  await current.prepare();
  const older = new PostgresEventStore(context.database!.db);
  const olderRunner = new ProjectionRunner({ db: context.database!.db, store: older, projections: [tallyProjection({ version: 1 })], logger: silentLogger, inlineWrites: true });
  older.writeInline(olderRunner.inlineWriter);
  try {
    const stream = streamName();
    const failure = await caught(() => older.appendToStream(stream, [newEvent('E')], 'no_stream'));
    assert.match(String(failure), /test_tally is written inline at version 2/);
    assert.is(await context.store!.streamInfo(stream), null, 'nothing was appended');
  } finally {
    older.writeInline(null);
    await older.close();
  }
});

test('given events logged before a projection is prepared, when it is prepared, then the switch applies the tail once and goes inline', async (context) => {
  const streams = [streamName(), streamName()];
  for (const stream of streams) await context.store!.appendToStream(stream, [newEvent('A'), newEvent('B')], 'no_stream');
  const runner = inlineRunner(context);
  await runner.prepare();
  assert.equal(await ledgerTimes(context), [1, 1, 1, 1]);
  await context.store!.appendToStream(streams[0]!, [newEvent('C')], 1);
  assert.equal(await ledgerTimes(context), [1, 1, 1, 1, 1]);
});

test.run();
