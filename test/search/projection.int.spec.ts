import { randomUUID } from 'node:crypto';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { TicketEvent } from '../../src/domain/ticket/index.js';
import type { JsonObject } from '../../src/eventstore/types.js';
import { PostgresEventStore } from '../../src/eventstore/postgres/store.js';
import { DeferredWrites } from '../../src/db/deferred-writes.js';
import { ProjectionRunner } from '../../src/projections/runner.js';
import { reindexSearch, searchProjection } from '../../src/projections/search/index.js';
import { PostgresSearchIndex, SEARCH_INDEX, postgresSearchWriter } from '../../src/search/postgres/index.js';
import type { TestDatabase } from '../support/database.js';
import { createTestDatabase } from '../support/database.js';
import { newEvent } from '../support/events.js';
import { silentLogger } from '../support/logger.js';
import { assigned, commented, deleted, opened, resolved, restored } from '../support/ticket-events.js';
import { AGENT, requester } from './contract.js';

interface Context {
  database: TestDatabase;
  store: PostgresEventStore;
  runner: ProjectionRunner;
  index: PostgresSearchIndex;
}

const test = suite<Context>('search projection');

test.before.each(async (context) => {
  context.database = await createTestDatabase();
  context.store = new PostgresEventStore(context.database.db);
  context.index = new PostgresSearchIndex(context.database.db.knex);
  context.runner = new ProjectionRunner({ db: context.database.db, store: context.store, projections: [searchProjection(postgresSearchWriter)], logger: silentLogger, batchSize: 3 });
  await context.runner.prepare();
});
test.after.each(async (context) => {
  await context.store.close();
  await context.database.drop();
});

/** A comment of its own: the fixture's comments all share one id. */
const note = (body: string, internal = false): TicketEvent => {
  const event = commented(undefined, body, undefined, internal);
  return { ...event, data: { ...event.data, commentId: randomUUID() } } as TicketEvent;
};

const asEvents = (events: readonly TicketEvent[]) => events.map((event) => newEvent(event.type, event.data as unknown as JsonObject));

async function openTicket(context: Context, events: readonly TicketEvent[]): Promise<{ id: string; tenantId: string; requesterId: string }> {
  const id = randomUUID();
  const tenantId = randomUUID();
  const requesterId = randomUUID();
  const [first, ...rest] = events;
  const start = { ...first!, data: { ...first!.data, ticketId: id, tenantId, requesterId } } as TicketEvent;
  await context.store.appendToStream(`ticket-${id}`, asEvents([start, ...rest]), 'no_stream');
  await context.runner.catchUp();
  return { id, tenantId, requesterId };
}

const search = (context: Context, tenantId: string, text: string, scope = AGENT, filters = {}) =>
  context.index.query({ tenantId, text, kinds: ['ticket', 'article', 'asset'], filters, scope, limit: 25 }).then((page) => page.data.map((hit) => hit.id));

test('folds a ticket into one document: text, comments split by audience, current status', async (context) => {
  const ticket = await openTicket(context, [opened(), assigned(), note('Vendor kraken contacted', true), note('Ordered a new roller'), resolved()]);
  assert.equal(await search(context, ticket.tenantId, 'printer jammed'), [ticket.id]);
  assert.equal(await search(context, ticket.tenantId, 'roller', requester(ticket.requesterId)), [ticket.id]);
  assert.equal(await search(context, ticket.tenantId, 'kraken', requester(ticket.requesterId)), []);
  assert.equal(await search(context, ticket.tenantId, 'kraken'), [ticket.id]);
  assert.equal(await search(context, ticket.tenantId, 'printer', AGENT, { status: ['resolved'] }), [ticket.id]);
  assert.equal(await search(context, ticket.tenantId, 'printer', AGENT, { status: ['new'] }), []);
  // The resolution notes are part of what the requester may read.
  assert.equal(await search(context, ticket.tenantId, 'cleared', requester(ticket.requesterId)), [ticket.id]);
});

test('a deleted ticket leaves the index and comes back, as it now is, when restored', async (context) => {
  const ticket = await openTicket(context, [opened(), deleted()]);
  assert.equal(await search(context, ticket.tenantId, 'printer'), []);
  await context.store.appendToStream(`ticket-${ticket.id}`, asEvents([note('Restoring after review'), restored()]), 'any');
  await context.runner.catchUp();
  assert.equal(await search(context, ticket.tenantId, 'review'), [ticket.id]);
});

test('a rebuild from the log and a reindex from the documents both equal the live index', async (context) => {
  const tickets = [await openTicket(context, [opened(), note('first note')]), await openTicket(context, [opened(), deleted()]), await openTicket(context, [opened(), assigned(), resolved()])];
  const snapshot = async () =>
    (await context.database.db.knex(SEARCH_INDEX).select('kind', 'id', 'tenant_id', 'revision', 'deleted', 'title', 'body', 'comments', 'internal', 'status', 'assignee_id').where('deleted', false).orderBy('id')) as unknown[];
  const live = await snapshot();
  assert.is(live.length, 2);
  await context.runner.rebuild('search');
  assert.equal(await snapshot(), live);
  assert.is(await reindexSearch(context.database.db.knex, context.index), 2);
  assert.equal(await snapshot(), live);
  assert.equal(await search(context, tickets[0]!.tenantId, 'note'), [tickets[0]!.id]);
});

test('replaying a batch changes nothing: the revision guard skips what was applied', async (context) => {
  const ticket = await openTicket(context, [opened(), note('once only')]);
  const { knex } = context.database.db;
  const before = (await knex(SEARCH_INDEX).select('revision', 'comments').where({ id: ticket.id }).first()) as { revision: number; comments: string };
  const events = await context.store.readStream(`ticket-${ticket.id}`);
  await knex.transaction(async (trx) => {
    const writes = new DeferredWrites();
    await searchProjection(postgresSearchWriter).apply(trx, events, writes);
    await writes.run(trx);
  });
  const after = (await knex(SEARCH_INDEX).select('revision', 'comments').where({ id: ticket.id }).first()) as { revision: number; comments: string };
  assert.equal(after, before);
  assert.is(after.comments, 'once only');
});

test.run();
