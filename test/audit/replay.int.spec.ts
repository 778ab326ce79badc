import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { runReplay } from '../../src/audit/replay-command.js';
import { PostgresEventStore } from '../../src/eventstore/postgres/store.js';
import type { TestDatabase } from '../support/database.js';
import { createTestDatabase } from '../support/database.js';
import { newEvent, streamName } from '../support/events.js';
import { ids, opened } from '../support/ticket-events.js';

interface Context {
  database?: TestDatabase;
  store?: PostgresEventStore;
}

const test = suite<Context>('itsm replay', {});

test.before(async (context) => {
  context.database = await createTestDatabase();
  context.store = new PostgresEventStore(context.database.db);
});
test.after(async (context) => {
  await context.store?.close();
  await context.database?.drop();
});

const meta = (occurredAt: string, actorId: string | null = ids.agent) => ({ tenantId: ids.tenant, actorId, occurredAt });

test("prints each event of a ticket and the ticket's state after it, up to --as-of", async ({ store }) => {
  const stream = `ticket-${ids.ticket}`;
  const first = opened('incident');
  await store!.appendToStream(
    stream,
    [
      newEvent(first.type, first.data, meta('2026-11-25T08:00:00.000Z', ids.requester)),
      newEvent('TicketWorkStarted', { by: ids.agent, at: '2026-11-25T09:00:00.000Z' }, meta('2026-11-25T09:00:00.000Z')),
      newEvent('TicketPended', { reason: 'waiting for parts', at: '2026-11-25T10:00:00.000Z' }, meta('2026-11-25T10:00:00.000Z')),
    ],
    'no_stream',
  );
  const lines: string[] = [];
  assert.ok(await runReplay(store!, [stream], (line) => lines.push(line)));
  const headers = lines.filter((line) => line.startsWith('#'));
  assert.equal(headers.map((line) => line.split(' ').slice(0, 2).join(' ')), ['#0 TicketOpened', '#1 TicketWorkStarted', '#2 TicketPended']);
  const states = lines.filter((line) => line.startsWith('  state: ')).map((line) => JSON.parse(line.slice('  state: '.length)) as { status: string });
  assert.equal(states.map((state) => state.status), ['new', 'in_progress', 'pending']);

  const upTo: string[] = [];
  await runReplay(store!, [stream, '--as-of', '2026-11-25T09:30:00Z'], (line) => upTo.push(line));
  assert.equal(upTo.filter((line) => line.startsWith('#')).length, 2);
});

test('shows credentials recorded in identity events as redacted; refuses a missing stream or a bad instant', async ({ store }) => {
  const stream = streamName('user');
  await store!.appendToStream(stream, [newEvent('UserRegistered', { userId: ids.agent, tenantId: ids.tenant, email: 'a@b.example', name: 'Ada', role: 'technician', passwordHash: '$argon2id$v=19$secret', registeredAt: '2026-11-25T08:00:00.000Z' }, meta('2026-11-25T08:00:00.000Z'))], 'no_stream');
  const lines: string[] = [];
  assert.ok(await runReplay(store!, [stream], (line) => lines.push(line)));
  const text = lines.join('\n');
  assert.not.ok(text.includes('$argon2'), text);
  assert.ok(text.includes('[redacted]'));

  const refused: string[] = [];
  assert.not.ok(await runReplay(store!, [streamName('ticket')], (line) => refused.push(line)));
  assert.not.ok(await runReplay(store!, [stream, '--as-of', 'yesterday'], (line) => refused.push(line)));
  assert.not.ok(await runReplay(store!, [], (line) => refused.push(line)));
  assert.match(refused.join('\n'), /no such stream/);
  assert.match(refused.join('\n'), /usage/);
});

test.run();
