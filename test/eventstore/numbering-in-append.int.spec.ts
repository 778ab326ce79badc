import * as assert from 'uvu/assert';
import { suite } from '../support/suite.js';
import { PostgresEventStore } from '../../src/eventstore/postgres/store.js';
import type { AppendNumbering } from '../../src/eventstore/types.js';
import type { TestDatabase } from '../support/database.js';
import { createTestDatabase } from '../support/database.js';
import { caught, newEvent, streamName } from '../support/events.js';

interface Context {
  database?: TestDatabase;
  store?: PostgresEventStore;
  other?: PostgresEventStore;
}

const test = suite<Context>('numbers taken in the append (PostgreSQL)', {});

test.before.each(async (context) => {
  context.database = await createTestDatabase();
  context.store = new PostgresEventStore(context.database.db);
  context.other = new PostgresEventStore(context.database.db);
});
test.after.each(async (context) => {
  await context.store?.close();
  await context.other?.close();
  await context.database?.drop();
});

const numbering = (counter: string): AppendNumbering => ({ counter, field: 'number', placeholder: 'PENDING', format: (sequence) => `INC-${String(sequence).padStart(6, '0')}` });

/** Every committed event's number (not the followers' read, which holds back events behind any open transaction on the server). */
async function storedNumbers(database: TestDatabase): Promise<string[]> {
  const { rows } = await database.db.pool.query<{ number: string }>("SELECT data->>'number' AS number FROM es_events ORDER BY 1");
  return rows.map((row) => row.number);
}

test('given concurrent appends from two stores, when each takes a number, then the numbers are consecutive, unique, and stored in the events', async ({ database, store, other }) => {
  const counter = `ticketnumber-${streamName('tenant')}:incident`;
  const results = await Promise.all(
    Array.from({ length: 30 }, (_, index) => (index % 2 === 0 ? store! : other!).appendToStream(streamName('ticket'), [newEvent('TicketOpened', { number: 'PENDING', title: `t${index}` })], 'no_stream', { numbering: numbering(counter) })),
  );
  const expected = Array.from({ length: 30 }, (_, index) => `INC-${String(index + 1).padStart(6, '0')}`);
  assert.equal(results.map((result) => result.number).sort(), expected);
  assert.equal(await storedNumbers(database!), expected);
});

test('given a refused append, when the next one takes a number, then the refused one gave its number back', async ({ store }) => {
  const counter = `ticketnumber-${streamName('tenant')}:incident`;
  const taken = streamName('ticket');
  const first = await store!.appendToStream(taken, [newEvent('TicketOpened', { number: 'PENDING' })], 'no_stream', { numbering: numbering(counter) });
  assert.is(first.number, 'INC-000001');
  const refusal = await caught(() => store!.appendToStream(taken, [newEvent('TicketOpened', { number: 'PENDING' })], 'no_stream', { numbering: numbering(counter) }));
  assert.match(String(refusal), /WrongExpectedRevision|expected/i);
  const next = await store!.appendToStream(streamName('ticket'), [newEvent('TicketOpened', { number: 'PENDING' })], 'no_stream', { numbering: numbering(counter) });
  assert.is(next.number, 'INC-000002', 'no gap after the refusal');
});

test('given an append repeated with the same event ids, when it is retried, then it keeps its number and takes none', async ({ database, store }) => {
  const counter = `ticketnumber-${streamName('tenant')}:incident`;
  const stream = streamName('ticket');
  const event = newEvent('TicketOpened', { number: 'PENDING' });
  const first = await store!.appendToStream(stream, [event], 'no_stream', { numbering: numbering(counter) });
  const repeat = await store!.appendToStream(stream, [event], 'no_stream', { numbering: numbering(counter) });
  assert.is(repeat.number, undefined, 'a repeat takes no number');
  assert.equal(repeat.position, first.position);
  const next = await store!.appendToStream(streamName('ticket'), [newEvent('TicketOpened', { number: 'PENDING' })], 'no_stream', { numbering: numbering(counter) });
  assert.is(next.number, 'INC-000002');
  assert.equal(await storedNumbers(database!), ['INC-000001', 'INC-000002']);
});

test.run();
