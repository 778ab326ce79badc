import { randomUUID } from 'node:crypto';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { reserveTicketNumber } from '../../src/commands/tickets/numbering.js';
import { numberStream } from '../../src/domain/ticket/index.js';
import { PostgresEventStore } from '../../src/eventstore/postgres/store.js';
import type { TestDatabase } from '../support/database.js';
import { createTestDatabase } from '../support/database.js';

interface Context {
  database?: TestDatabase;
  store?: PostgresEventStore;
  /** A second store on the same database: another process taking numbers from the same counter. */
  other?: PostgresEventStore;
}

const test = suite<Context>('ticket numbering', {});
const now = new Date('2026-11-26T12:00:00.000Z');
const contextFor = (tenantId: string) => ({ tenantId, actorId: randomUUID(), correlationId: randomUUID(), causationId: randomUUID(), now });

test.before(async (ctx) => {
  ctx.database = await createTestDatabase();
  ctx.store = new PostgresEventStore(ctx.database.db);
  ctx.other = new PostgresEventStore(ctx.database.db);
});
test.after(async (ctx) => {
  await ctx.store?.close();
  await ctx.other?.close();
  await ctx.database?.drop();
});

test('60 concurrent reservations take 60 consecutive numbers, in fewer appends than reservations', async ({ store }) => {
  const tenantId = randomUUID();
  const ticketIds = Array.from({ length: 60 }, () => randomUUID());
  // Given nothing taken yet, when 60 creators ask at once
  const numbers = await Promise.all(ticketIds.map((ticketId) => reserveTicketNumber(store!, 'incident', ticketId, randomUUID, contextFor(tenantId))));
  // Then every number from 1 to 60 is taken exactly once
  assert.equal([...numbers].sort(), Array.from({ length: 60 }, (_, index) => `INC-${String(index + 1).padStart(6, '0')}`));
  const events = await store!.readStream(numberStream(tenantId, 'incident'));
  assert.is(events.length, 60);
  assert.equal(events.map((event) => event.data.sequence), Array.from({ length: 60 }, (_, index) => index + 1));
  // and each reservation names the ticket that got the number
  const byTicket = new Map(events.map((event) => [event.data.ticketId, event.data.number]));
  ticketIds.forEach((ticketId, index) => assert.is(byTicket.get(ticketId), numbers[index]));
  // and askers who came while an append was in flight shared the next one (one commit each)
  const appends = new Set(events.map((event) => event.position.commit)).size;
  assert.ok(appends < 60, `expected reservations to share appends, got ${appends} appends`);
});

test('two processes taking numbers from one counter never share nor skip one', async ({ store, other }) => {
  const tenantId = randomUUID();
  const numbers = await Promise.all(
    Array.from({ length: 40 }, (_, index) => reserveTicketNumber(index % 2 === 0 ? store! : other!, 'change', randomUUID(), randomUUID, contextFor(tenantId))),
  );
  assert.equal([...numbers].sort(), Array.from({ length: 40 }, (_, index) => `CHG-${String(index + 1).padStart(6, '0')}`));
});

test('each type and each tenant counts on its own', async ({ store }) => {
  const [first, second] = [randomUUID(), randomUUID()];
  const taken = await Promise.all([
    reserveTicketNumber(store!, 'incident', randomUUID(), randomUUID, contextFor(first)),
    reserveTicketNumber(store!, 'problem', randomUUID(), randomUUID, contextFor(first)),
    reserveTicketNumber(store!, 'incident', randomUUID(), randomUUID, contextFor(second)),
  ]);
  assert.equal(taken, ['INC-000001', 'PRB-000001', 'INC-000001']);
});

test.run();
