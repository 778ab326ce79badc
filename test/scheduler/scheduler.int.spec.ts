import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { openDatabase } from '../../src/db/open.js';
import type { RecordedEvent } from '../../src/eventstore/types.js';
import { PostgresEventStore } from '../../src/eventstore/postgres/store.js';
import { Scheduler } from '../../src/scheduler/index.js';
import { silentLogger } from '../support/logger.js';
import type { RunningApi } from '../support/api.js';
import { call, startApi } from '../support/api.js';
import type { TenantFixture } from '../support/identity-fixtures.js';
import { bearer, expectStatus } from '../support/identity-fixtures.js';
import type { SlaDesk, Target } from '../support/sla-desk.js';
import { openP1, setUpSlaDesk } from '../support/sla-desk.js';

// The test owns time: the system's clock and every runOnce read it. Tue 1 Dec 2026, 08:00 UTC.
const START = Date.parse('2026-12-01T08:00:00Z');
let now = new Date(START);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Moves time to `ms` after Tuesday 08:00 UTC. */
const moveTo = (ms: number): Date => (now = new Date(START + ms));

interface Context {
  api?: RunningApi;
}
const test = suite<Context>('scheduler: due timers fire once', {});

test.before(async (context) => {
  context.api = await startApi({ clock: () => now, environment: { RATE_LIMIT_PER_MINUTE: '100000' } });
});
test.after(async (context) => {
  await context.api?.close();
});

/** The desk of support/sla-desk.ts, set up at Tuesday 08:00. */
function desk(api: RunningApi, label: string, escalation?: (tenant: TenantFixture) => Record<string, unknown>, p2?: Target): Promise<SlaDesk> {
  moveTo(0);
  return setUpSlaDesk(api, label, { ...(escalation ? { escalation } : {}), ...(p2 ? { p2 } : {}) });
}

async function step(api: RunningApi, token: string, ticketId: string, action: string, json: Record<string, unknown> = {}): Promise<void> {
  expectStatus(await call(api.baseUrl, `/api/v1/tickets/${ticketId}/${action}`, { method: 'POST', headers: bearer(token), json }), 200, action);
}

const streamOf = (api: RunningApi, ticketId: string): Promise<RecordedEvent[]> => api.system.store.readStream(`ticket-${ticketId}`);
const ofType = (events: readonly RecordedEvent[], type: string) => events.filter((event) => event.type === type).map((event) => event.data);

test('a ticket under a policy gets each warning and breach exactly once, as time passes', async ({ api }) => {
  const { token } = await desk(api!, 'once');
  const ticketId = await openP1(api!, await token('user'));
  const scheduler = api!.system.scheduler;
  assert.is(await scheduler.runOnce(moveTo(30 * MINUTE)), 0, 'nothing is due half an hour in');
  assert.is(await scheduler.runOnce(moveTo(50 * MINUTE)), 1, 'the first-response warning (at 08:48)');
  assert.is(await scheduler.runOnce(moveTo(55 * MINUTE)), 0);
  assert.is(await scheduler.runOnce(moveTo(90 * MINUTE)), 1, 'the first-response breach (at 09:00)');
  assert.is(await scheduler.runOnce(moveTo(9 * HOUR)), 2, 'the resolution warning and breach');
  await scheduler.runOnce(moveTo(10 * HOUR));
  await scheduler.runOnce(moveTo(DAY));
  const events = await streamOf(api!, ticketId);
  assert.equal(
    ofType(events, 'SlaWarningReached').map((data) => [data.clock, data.warningAt, data.dueAt]),
    [
      ['firstResponse', '2026-12-01T08:48:00.000Z', '2026-12-01T09:00:00.000Z'],
      ['resolution', '2026-12-01T14:24:00.000Z', '2026-12-01T16:00:00.000Z'],
    ],
  );
  assert.equal(
    ofType(events, 'SlaBreached').map((data) => [data.clock, data.dueAt, data.at]),
    [
      ['firstResponse', '2026-12-01T09:00:00.000Z', '2026-12-01T09:30:00.000Z'],
      ['resolution', '2026-12-01T16:00:00.000Z', '2026-12-01T17:00:00.000Z'],
    ],
  );
  assert.equal(events.filter((event) => event.type.startsWith('Sla')).map((event) => event.metadata.actorId), [null, null, null, null], 'the scheduler acts as nobody');
});

test('a pause moves the breach: the paused business time is not counted', async ({ api }) => {
  const { token } = await desk(api!, 'pause');
  const ticketId = await openP1(api!, await token('user'));
  const scheduler = api!.system.scheduler;
  moveTo(30 * MINUTE);
  await step(api!, await token('technician'), ticketId, 'start');
  assert.is(await scheduler.runOnce(moveTo(HOUR)), 0, 'answered in time: no first-response alerts');
  moveTo(2 * HOUR);
  await step(api!, await token('technician'), ticketId, 'pend', { reason: 'waiting for the vendor' });
  moveTo(4 * HOUR);
  await step(api!, await token('technician'), ticketId, 'resume');
  // Due was Tue 16:00; two paused hours push it past 17:00 into Wednesday 10:00 UTC minus the hour left: Wed 09:00.
  await scheduler.runOnce(moveTo(8.5 * HOUR));
  assert.equal(ofType(await streamOf(api!, ticketId), 'SlaBreached'), [], 'no breach at the old due instant');
  await scheduler.runOnce(moveTo(DAY + 1.5 * HOUR));
  const breaches = ofType(await streamOf(api!, ticketId), 'SlaBreached');
  assert.equal(breaches.map((data) => [data.clock, data.dueAt]), [['resolution', '2026-12-02T09:00:00.000Z']]);
});

test('a resolved ticket closes itself after the configured days, and not once reopened', async ({ api }) => {
  const { token } = await desk(api!, 'autoclose');
  const [kept, reopened] = [await openP1(api!, await token('user'), 'Kept resolved'), await openP1(api!, await token('user'), 'Reopened')];
  moveTo(HOUR);
  const technician = await token('technician');
  for (const id of [kept, reopened]) {
    await step(api!, technician, id, 'start');
    await step(api!, technician, id, 'resolve', { code: 'fixed', notes: 'Restarted the service.' });
  }
  moveTo(2 * HOUR);
  await step(api!, await token('user'), reopened, 'reopen', { reason: 'still broken' });
  const scheduler = api!.system.scheduler;
  await scheduler.runOnce(moveTo(HOUR + 7 * DAY - MINUTE));
  assert.equal(ofType(await streamOf(api!, kept), 'TicketClosed'), [], 'a minute early');
  await scheduler.runOnce(moveTo(HOUR + 7 * DAY));
  await scheduler.runOnce(moveTo(HOUR + 8 * DAY));
  assert.equal(ofType(await streamOf(api!, kept), 'TicketClosed'), [{ by: null, at: '2026-12-08T09:00:00.000Z' }]);
  assert.equal(ofType(await streamOf(api!, reopened), 'TicketClosed'), []);
});

test('a breach escalates: the ticket goes to the escalation team and the named people watch it', async ({ api }) => {
  const { tenant, token } = await desk(api!, 'escalation', (owner) => ({ onBreach: { reassignTeamId: owner.team, notifyUserIds: [owner.sessions.manager.id] } }));
  const ticketId = await openP1(api!, await token('user'));
  assert.is(await api!.system.scheduler.runOnce(moveTo(50 * MINUTE)), 1);
  assert.equal(ofType(await streamOf(api!, ticketId), 'TicketAssigned'), [], 'a warning escalates nothing under this policy');
  await api!.system.scheduler.runOnce(moveTo(90 * MINUTE));
  const events = await streamOf(api!, ticketId);
  assert.equal(ofType(events, 'TicketAssigned').map((data) => [data.assigneeId, data.teamId]), [[null, tenant.team]]);
  assert.equal(ofType(events, 'TicketWatcherAdded').map((data) => data.userId), [tenant.sessions.manager.id]);
});

async function assign(api: RunningApi, token: string, ticketId: string, assigneeId: string | null, teamId: string | null): Promise<void> {
  expectStatus(await call(api.baseUrl, `/api/v1/tickets/${ticketId}/assign`, { method: 'POST', headers: bearer(token), json: { assigneeId, teamId } }), 200, 'assign');
}

async function ticketOf(api: RunningApi, token: string, ticketId: string): Promise<{ status: string; assigneeId: string | null; teamId: string | null }> {
  return expectStatus(await call<{ status: string; assigneeId: string | null; teamId: string | null }>(api.baseUrl, `/api/v1/tickets/${ticketId}`, { headers: bearer(token) }), 200, 'read ticket').body;
}

const toTeam = (owner: TenantFixture) => ({ onBreach: { reassignTeamId: owner.team } });

test('an escalation to the team a ticket already has changes nothing: it stays with its agent', async ({ api }) => {
  const { tenant, token } = await desk(api!, 'same-team', toTeam);
  const ticketId = await openP1(api!, await token('user'));
  await assign(api!, await token('manager'), ticketId, tenant.member.id, tenant.team);
  await api!.system.scheduler.runOnce(moveTo(90 * MINUTE));
  const events = await streamOf(api!, ticketId);
  assert.equal(ofType(events, 'SlaBreached').length, 1, 'the breach was recorded');
  assert.equal(ofType(events, 'TicketAssigned').map((data) => [data.assigneeId, data.teamId]), [[tenant.member.id, tenant.team]], 'only the manager assigned it');
  const ticket = await ticketOf(api!, await token('manager'), ticketId);
  assert.equal([ticket.status, ticket.assigneeId, ticket.teamId], ['assigned', tenant.member.id, tenant.team]);
});

test('an escalation to another team keeps an assignee who belongs to it and releases one who does not', async ({ api }) => {
  const { tenant, token } = await desk(api!, 'other-team', toTeam);
  const [member, outsider] = [await openP1(api!, await token('user'), 'Mail down'), await openP1(api!, await token('user'), 'Phones down')];
  const manager = await token('manager');
  await assign(api!, manager, member, tenant.member.id, null);
  await assign(api!, manager, outsider, tenant.sessions.manager.id, null);
  await api!.system.scheduler.runOnce(moveTo(90 * MINUTE));
  const reader = await token('manager');
  const kept = await ticketOf(api!, reader, member);
  assert.equal([kept.status, kept.assigneeId, kept.teamId], ['assigned', tenant.member.id, tenant.team], 'the team member keeps the ticket');
  const released = await ticketOf(api!, reader, outsider);
  assert.equal([released.status, released.assigneeId, released.teamId], ['new', null, tenant.team], 'the team picks it up');
});

test('after a priority override the repeated escalation leaves the ticket with its team and agent', async ({ api }) => {
  // P2 is to be answered in 75 minutes: the override moves the first-response due time to 09:15, a breach of its own.
  const { tenant, token } = await desk(api!, 'override', toTeam, { firstResponseMinutes: 75, resolutionMinutes: 480 });
  const ticketId = await openP1(api!, await token('user'));
  await api!.system.scheduler.runOnce(moveTo(90 * MINUTE));
  assert.equal(ofType(await streamOf(api!, ticketId), 'TicketAssigned').map((data) => [data.assigneeId, data.teamId]), [[null, tenant.team]], 'the first breach escalated');
  const manager = await token('manager');
  await assign(api!, manager, ticketId, tenant.member.id, tenant.team);
  expectStatus(await call(api!.baseUrl, `/api/v1/tickets/${ticketId}/priority`, { method: 'POST', headers: bearer(manager), json: { priority: 'P2', reason: 'one site only' } }), 200, 'override');
  await api!.system.scheduler.runOnce(moveTo(100 * MINUTE));
  const events = await streamOf(api!, ticketId);
  assert.equal(ofType(events, 'SlaBreached').length, 2, 'the new terms were breached too');
  const ticket = await ticketOf(api!, await token('manager'), ticketId);
  assert.equal([ticket.status, ticket.assigneeId, ticket.teamId], ['assigned', tenant.member.id, tenant.team]);
});

test('two schedulers racing over 50 due timers fire each exactly once', async ({ api }) => {
  const { token } = await desk(api!, 'race');
  const requester = await token('user');
  const tickets: string[] = [];
  for (let index = 0; index < 25; index += 1) tickets.push(await openP1(api!, requester, `Outage ${index}`));
  const { system } = api!;
  // On a real server the second scheduler has a pool (and event store) of its own, as another
  // process would; like any process of ours, its appends write the inline read models (the
  // database refuses an append that does not).
  const config = system.config.database;
  const second = config.kind === 'postgres' ? await openDatabase({ kind: 'postgres', url: config.url, poolSize: 4 }) : null;
  const secondStore = second ? new PostgresEventStore(second) : null;
  secondStore?.writeInline(system.projections.inlineWriter);
  try {
    const options = { logger: silentLogger, clock: () => now, intervalMs: 1_000, autoCloseAfterMs: 7 * DAY, batchSize: 4 };
    const first = new Scheduler({ ...options, tickets: system.tickets });
    const other = new Scheduler({
      ...options,
      tickets: second && secondStore ? { ...system.tickets, knex: second.knex, commands: { ...system.commands, store: secondStore } } : system.tickets,
    });
    // 09:30: each ticket's first-response warning and breach are due; the resolution's are not.
    const at = moveTo(90 * MINUTE);
    const [a, b] = await Promise.all([first.runOnce(at), other.runOnce(at)]);
    assert.is(a + b, 50, `fired ${a} + ${b}`);
    assert.ok(second === null || (a > 0 && b > 0), `both took a share: ${a} and ${b}`);
    assert.equal(await Promise.all([first.runOnce(at), other.runOnce(at)]), [0, 0], 'nothing left to fire');
    for (const id of tickets) {
      const events = await streamOf(api!, id);
      assert.equal([ofType(events, 'SlaWarningReached').length, ofType(events, 'SlaBreached').length], [1, 1], `ticket ${id}`);
    }
  } finally {
    await secondStore?.close();
    await second?.close();
  }
});

test.run();
