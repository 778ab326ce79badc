import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import pg from 'pg';
import { WrongExpectedRevisionError } from '../../src/eventstore/errors.js';
import { PostgresEventStore } from '../../src/eventstore/postgres/store.js';
import type { LogPosition, RecordedEvent } from '../../src/eventstore/types.js';
import { comparePositions } from '../../src/eventstore/types.js';
import type { TestDatabase } from '../support/database.js';
import { createTestDatabase, serverUrl } from '../support/database.js';
import { newEvent, streamName } from '../support/events.js';
import { withTimeout } from './contract.js';

interface Context {
  database?: TestDatabase;
  store?: PostgresEventStore;
}

const label = serverUrl ? 'PostgreSQL server' : 'PGlite';
const test = suite<Context>(`event store under concurrency (${label})`, {});

test.before.each(async (context) => {
  context.database = await createTestDatabase({ poolSize: 12 });
  context.store = new PostgresEventStore(context.database.db);
});
test.after.each(async (context) => {
  await context.store?.close();
  await context.database?.drop();
});

/** Follows the log from `after` until `expected` events of the given category have arrived. */
async function follow(store: PostgresEventStore, after: LogPosition, category: string, expected: number, signal: AbortSignal): Promise<RecordedEvent[]> {
  const received: RecordedEvent[] = [];
  for await (const item of store.subscribe({ after, signal, filter: { categories: [category] } })) {
    if (item.kind !== 'event') continue;
    received.push(item.event);
    if (received.length >= expected) break;
  }
  return received;
}

test('8 concurrent writers x 500 events: a follower gets every event once, in log order', async ({ store }) => {
  const writers = 8;
  const perWriter = 500;
  const start = await store!.headPosition();
  const controller = new AbortController();
  const following = follow(store!, start, 'load', writers * perWriter, controller.signal);
  const written = new Set<string>();
  await Promise.all(
    Array.from({ length: writers }, async () => {
      for (let i = 0; i < perWriter; i += 1) {
        const event = newEvent('Loaded', { i });
        written.add(event.id);
        await store!.appendToStream(streamName('load'), [event], 'no_stream');
      }
    }),
  );
  const received = await withTimeout(following, 60_000, 'follower did not receive every event');
  controller.abort();
  assert.is(received.length, writers * perWriter);
  assert.is(new Set(received.map((e) => e.id)).size, writers * perWriter, 'no event delivered twice');
  assert.ok(received.every((e) => written.has(e.id)), 'only events that were written');
  for (let i = 1; i < received.length; i += 1) {
    assert.is(comparePositions(received[i - 1]!.position, received[i]!.position), -1, `event ${i} in log order`);
  }
});

test('50 concurrent appends with the same expected revision: exactly one wins, nothing else is written', async ({ store }) => {
  const stream = streamName();
  await store!.appendToStream(stream, [newEvent('Opened')], 'no_stream');
  const outcomes = await Promise.allSettled(
    Array.from({ length: 50 }, (_, i) => store!.appendToStream(stream, [newEvent('Raced', { i })], 0)),
  );
  const won = outcomes.filter((o) => o.status === 'fulfilled');
  const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
  assert.is(won.length, 1);
  assert.is(lost.length, 49);
  assert.ok(lost.every((o) => o.reason instanceof WrongExpectedRevisionError && o.reason.actual === 1));
  assert.equal((await store!.readStream(stream)).map((e) => e.type), ['Opened', 'Raced']);
});

if (serverUrl) {
  test('an event whose transaction commits late is not skipped by a follower', async ({ database, store }) => {
    const start = await store!.headPosition();
    const controller = new AbortController();
    const following = follow(store!, start, 'late', 3, controller.signal);
    // A writer that takes its sequence number first and commits last: the classic bigserial gap.
    const slow = new pg.Client({ connectionString: database!.url! });
    await slow.connect();
    const lateStream = streamName('late');
    const late = newEvent('Late');
    try {
      await slow.query('BEGIN');
      await slow.query(`INSERT INTO es_streams (stream_id, category, revision) VALUES ($1, 'late', 0)`, [lateStream]);
      await slow.query(
        `INSERT INTO es_events (stream_id, revision, event_id, event_type, category, data, metadata)
         VALUES ($1, 0, $2, 'Late', 'late', '{}', '{}')`,
        [lateStream, late.id],
      );
      await store!.appendToStream(streamName('late'), [newEvent('Early1')], 'no_stream');
      await store!.appendToStream(streamName('late'), [newEvent('Early2')], 'no_stream');
      // The early events committed with higher sequence numbers while the late one is still open.
      const visible = await store!.readAll({ after: start, maxCount: 100, filter: { categories: ['late'] } });
      assert.is(visible.events.length, 0, 'nothing past the open transaction is visible yet');
      const [visibleHead, committedHead] = [await store!.headPosition(), await store!.committedHeadPosition()];
      assert.is(comparePositions(committedHead, visibleHead), 1, 'the committed head is ahead of what followers may see');
      await new Promise((resolve) => setTimeout(resolve, 200));
      await slow.query('COMMIT');
    } finally {
      await slow.end();
    }
    const received = await withTimeout(following, 10_000, 'follower missed the late event');
    controller.abort();
    assert.equal(received.map((e) => e.type), ['Late', 'Early1', 'Early2']);
  });
} else {
  console.log('SKIPPED: late-commit gap test needs a real PostgreSQL server (DATABASE_URL unset); PGlite has one connection, so commits cannot interleave');
}

test.run();
