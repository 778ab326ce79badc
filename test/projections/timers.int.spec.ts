import { randomUUID } from 'node:crypto';
import * as assert from 'uvu/assert';
import type { TicketEvent } from '../../src/domain/ticket/index.js';
import { ticketStream } from '../../src/domain/ticket/index.js';
import type { RecordedEvent } from '../../src/eventstore/types.js';
import { timersProjection } from '../../src/projections/timers/index.js';
import type { ProjectionSpec } from '../support/projection-spec.js';
import { EventLog, projectionSpec, rowsBothWays, tableRows } from '../support/projection-spec.js';
import { suite } from '../support/suite.js';
import { assigned, commented, opened, pended, resolved, resumed } from '../support/ticket-events.js';

/**
 * The timers read model only notes which tickets changed (timer_recompute); the scheduler
 * recomputes their due timers. So its rows are: one per ticket, its tenant, the newest revision.
 */
interface Context {
  spec: ProjectionSpec;
  log: EventLog;
}

const test = suite<Context>('timers projection');

test.before.each(async (context) => {
  context.spec = await projectionSpec(timersProjection);
  context.log = new EventLog();
});
test.after.each(async (context) => {
  await context.spec.drop();
});

const TENANT = randomUUID();
const OTHER_TENANT = randomUUID();

function ticket(context: Context, id: string, events: readonly TicketEvent[], tenantId = TENANT): RecordedEvent[] {
  const [first, ...rest] = events;
  const start = first?.type === 'TicketOpened' ? ({ ...first, data: { ...first.data, ticketId: id, tenantId } } as TicketEvent) : first!;
  return context.log.record(ticketStream(id), [start, ...rest], { tenantId, actorId: randomUUID() });
}

const notes = (context: Context) => tableRows(context.spec.knex, 'timer_recompute', ['ticket_id']);

test('given a ticket opened, then it is noted for a recompute under its tenant at revision 0, and no timer exists yet', async (context) => {
  const id = randomUUID();
  await context.spec.apply(ticket(context, id, [opened()]));
  // bigint column: compared as a number, whatever form the driver hands it back in.
  assert.equal(
    (await notes(context)).map((row) => ({ ...row, revision: Number(row.revision) })),
    [{ ticket_id: id, tenant_id: TENANT, revision: 0, claimed_until: null }],
  );
  assert.equal(await tableRows(context.spec.knex, 'due_timers', ['id']), []);
});

test('given many events of a ticket in one page, then one note carries the newest revision', async (context) => {
  const id = randomUUID();
  await context.spec.apply(ticket(context, id, [opened(), assigned(), pended(), resumed(), commented(), resolved()]));
  const rows = await notes(context);
  assert.is(rows.length, 1);
  assert.is(Number(rows[0]!.revision), 5);
});

test('given a newer revision noted, when older events are replayed, then the revision does not go back', async (context) => {
  const id = randomUUID();
  const events = ticket(context, id, [opened(), assigned(), resolved()]);
  await context.spec.apply(events);
  await context.spec.apply(events.slice(0, 2));
  await context.spec.apply([events[0]!]);
  assert.is(Number((await notes(context))[0]!.revision), 2);
  // Replaying everything again changes nothing.
  const before = await notes(context);
  await context.spec.apply(events);
  assert.equal(await notes(context), before);
});

test('given a note being recomputed (claimed), when the ticket moves on, then the revision moves and the claim is left as it was', async (context) => {
  const id = randomUUID();
  await context.spec.apply(ticket(context, id, [opened()]));
  const claim = '2026-12-01T10:05:00.000Z';
  await context.spec.knex('timer_recompute').where({ ticket_id: id }).update({ claimed_until: claim });
  await context.spec.apply(ticket(context, id, [assigned()]));
  const [row] = await notes(context);
  assert.is(Number(row!.revision), 1);
  assert.is(row!.claimed_until, claim);
});

test('given tickets of two tenants, then each note carries its own tenant', async (context) => {
  const [mine, theirs] = [randomUUID(), randomUUID()];
  await context.spec.apply([...ticket(context, mine, [opened()]), ...ticket(context, theirs, [opened(), assigned()], OTHER_TENANT)]);
  const byTicket = new Map((await notes(context)).map((row) => [row.ticket_id, row]));
  assert.is(byTicket.get(mine)?.tenant_id, TENANT);
  assert.is(byTicket.get(theirs)?.tenant_id, OTHER_TENANT);
  assert.is(Number(byTicket.get(theirs)?.revision), 1);
});

test('given an event without a tenant in its metadata, then it is not noted', async (context) => {
  const id = randomUUID();
  const [event] = ticket(context, id, [opened()]);
  const { tenantId: _tenant, ...metadata } = event!.metadata;
  await context.spec.apply([{ ...event!, metadata }]);
  assert.equal(await notes(context), []);
});

test('given a ticket stream named with an upper-case id, then the note is keyed by the id as the database spells it', async (context) => {
  const id = randomUUID();
  const [event] = ticket(context, id, [opened()]);
  await context.spec.apply([{ ...event!, streamId: ticketStream(id.toUpperCase()) }, ...ticket(context, id, [assigned()])]);
  assert.equal(
    (await notes(context)).map((row) => [row.ticket_id, Number(row.revision)]),
    [[id, 1]],
  );
});

test('given a history of several tickets, then one page or one event at a time gives the same rows', async (context) => {
  const [a, b] = [randomUUID(), randomUUID()];
  const events = [...ticket(context, a, [opened(), assigned()]), ...ticket(context, b, [opened()], OTHER_TENANT), ...ticket(context, a, [resolved()]), ...ticket(context, b, [commented()], OTHER_TENANT)];
  const { page, oneByOne } = await rowsBothWays(timersProjection, events, [
    { table: 'timer_recompute', orderBy: ['ticket_id'] },
    { table: 'due_timers', orderBy: ['id'] },
  ]);
  assert.equal(oneByOne, page);
  assert.equal(
    page[0]!.map((row) => Number((row as { revision: unknown }).revision)),
    a < b ? [2, 1] : [1, 2],
  );
});

test.run();
