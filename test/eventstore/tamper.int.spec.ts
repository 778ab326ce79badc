import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { verifyLog, verifyStream } from '../../src/audit/chain-verifier.js';
import { eventDigest, linkHash } from '../../src/eventstore/chain.js';
import { PostgresEventStore } from '../../src/eventstore/postgres/store.js';
import type { TestDatabase } from '../support/database.js';
import { createTestDatabase, serverUrl } from '../support/database.js';
import { newEvent, streamName } from '../support/events.js';

interface Context {
  database?: TestDatabase;
  store?: PostgresEventStore;
}

const test = suite<Context>(`tamper evidence (${serverUrl ? 'PostgreSQL server' : 'PGlite'})`, {});

test.before.each(async (context) => {
  context.database = await createTestDatabase();
  context.store = new PostgresEventStore(context.database.db);
});
test.after.each(async (context) => {
  await context.store?.close();
  await context.database?.drop();
});

async function ticketWithHistory(store: PostgresEventStore): Promise<{ stream: string; ids: string[] }> {
  const stream = streamName('ticket');
  const events = [newEvent('TicketOpened', { title: 'Printer jams' }, { tenantId: 't1' }), newEvent('TicketPrioritySet', { priority: 'p3' }), newEvent('TicketCommented', { body: 'Tray 2' }), newEvent('TicketResolved', { resolution: 'cleaned' })];
  await store.appendToStream(stream, events.slice(0, 2), 'no_stream');
  await store.appendToStream(stream, events.slice(2), 1);
  return { stream, ids: events.map((event) => event.id) };
}

test('given an event altered in the table, when verified, then that event is named as the first break', async ({ database, store }) => {
  const { stream, ids } = await ticketWithHistory(store!);
  const untouched = await ticketWithHistory(store!);
  assert.is((await verifyStream(store!, stream)).intact, true);

  // What someone with write access to the database would do: change the priority after the fact.
  await database!.db.pool.query(`UPDATE es_events SET data = '{"priority": "p1"}'::jsonb WHERE stream_id = $1 AND revision = 1`, [stream]);

  const verification = await verifyStream(store!, stream);
  assert.is(verification.intact, false);
  assert.equal([verification.firstBreak?.revision, verification.firstBreak?.eventId, verification.firstBreak?.reason], [1, ids[1], 'altered']);
  assert.is((await verifyStream(store!, untouched.stream)).intact, true, 'other streams still verify');

  const log = await verifyLog(store!);
  assert.equal(log.broken.map((found) => [found.streamId, found.revision]), [[stream, 1]]);
});

test('given metadata rewritten, or a link recomputed for the altered event alone, the chain still breaks', async ({ database, store }) => {
  const first = await ticketWithHistory(store!);
  await database!.db.pool.query(`UPDATE es_events SET metadata = '{"tenantId": "t2"}'::jsonb WHERE stream_id = $1 AND revision = 0`, [first.stream]);
  assert.equal((await verifyStream(store!, first.stream)).firstBreak?.revision, 0);

  // Forging the altered event's own link is not enough: the next event's link was made from the old one.
  const second = await ticketWithHistory(store!);
  const [original] = await store!.readStream(second.stream, { fromRevision: 2, maxCount: 1 });
  const [previous] = await store!.readStream(second.stream, { fromRevision: 1, maxCount: 1 });
  const forgedData = { body: 'Tray 3' };
  const forged = linkHash(previous!.hash!, eventDigest({ type: original!.type, data: forgedData, metadata: original!.metadata }));
  await database!.db.pool.query(`UPDATE es_events SET data = $2::jsonb, hash = decode($3, 'hex') WHERE stream_id = $1 AND revision = 2`, [second.stream, JSON.stringify(forgedData), forged]);
  const verification = await verifyStream(store!, second.stream);
  assert.equal([verification.intact, verification.firstBreak?.revision], [false, 3]);
});

test('given an event deleted from the table, the gap is named', async ({ database, store }) => {
  const { stream } = await ticketWithHistory(store!);
  await database!.db.pool.query('DELETE FROM es_events WHERE stream_id = $1 AND revision = 2', [stream]);
  const verification = await verifyStream(store!, stream);
  assert.equal([verification.firstBreak?.reason, verification.firstBreak?.revision], ['missing', 2]);
});

test.run();
