import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { RunningApi } from '../support/api.js';
import { call, startApi } from '../support/api.js';
import { bearer, createUser, expectStatus, login, strongPassword } from '../support/identity-fixtures.js';

interface Clock {
  state: string;
  phase: string;
  targetMinutes: number;
  elapsedMinutes: number;
  pausedMinutes: number;
  remainingMinutes: number;
  dueAt: string | null;
  breachedAt: string | null;
  explain: Array<{ kind: string; at: string; ref?: { revision: number } }>;
}
interface Sla {
  policy: { id: string; version: number; priority: string } | null;
  clocks: { firstResponse: Clock; resolution: Clock } | null;
}

// The test owns time: the system's clock reads this.
let now = new Date('2026-11-27T16:55:00Z');
interface Context {
  api?: RunningApi;
  admin?: string;
  requester?: { id: string; token: string };
  policyId?: string;
  ticketId?: string;
  /** Moves time and signs both people in again (access tokens last 15 minutes of the moved clock). */
  at?: (instant: string) => Promise<void>;
}
const test = suite<Context>('ticket SLA clocks over HTTP', {});

test.before(async (context) => {
  context.api = await startApi({ clock: () => now, environment: { RATE_LIMIT_PER_MINUTE: '100000' } });
  const adminPassword = strongPassword();
  const signup = expectStatus(
    await call<{ accessToken: string; tenant: { slug: string } }>(context.api.baseUrl, '/api/v1/signup', { method: 'POST', json: { organization: 'Clockwork GmbH', email: 'boss@clockwork.example', password: adminPassword, name: 'Boss' } }),
    201,
    'signup',
  );
  context.admin = signup.body.accessToken;
  const person = await createUser(context.api.baseUrl, context.admin, 'user', 'requester');
  context.requester = { id: person.id, token: (await login(context.api.baseUrl, signup.body.tenant.slug, person.email, person.password)).accessToken };
  const api = context.api;
  context.at = async (instant) => {
    now = new Date(instant);
    context.admin = (await login(api.baseUrl, signup.body.tenant.slug, 'boss@clockwork.example', adminPassword)).accessToken;
    context.requester = { id: person.id, token: (await login(api.baseUrl, signup.body.tenant.slug, person.email, person.password)).accessToken };
  };
  const office = [{ start: '08:00', end: '17:00' }];
  const calendar = expectStatus(
    await call<{ id: string }>(context.api.baseUrl, '/api/v1/business-calendars', {
      method: 'POST',
      headers: bearer(context.admin),
      json: { name: 'Berlin office', calendar: { timeZone: 'Europe/Berlin', week: { mon: office, tue: office, wed: office, thu: office, fri: office }, holidays: ['2026-11-30'] } },
    }),
    201,
    'calendar',
  );
  const targets = { P1: { firstResponseMinutes: 60, resolutionMinutes: 480 }, P2: { firstResponseMinutes: 120, resolutionMinutes: 960 }, P3: { firstResponseMinutes: 240, resolutionMinutes: 1440 }, P4: { firstResponseMinutes: 480, resolutionMinutes: 2880 }, P5: { firstResponseMinutes: 960, resolutionMinutes: 4800 } };
  const policy = expectStatus(await call<{ id: string }>(context.api.baseUrl, '/api/v1/sla-policies', { method: 'POST', headers: bearer(context.admin), json: { name: 'Standard', calendarId: calendar.body.id, targets } }), 201, 'policy');
  context.policyId = policy.body.id;
});
test.after(async (context) => {
  await context.api?.close();
});

const sla = async (api: RunningApi, token: string, id: string) => call<Sla>(api.baseUrl, `/api/v1/tickets/${id}/sla`, { headers: bearer(token) });

test('a P1 raised Friday 17:55 in Berlin, with Monday a holiday, is due on Tuesday', async (context) => {
  const { api, requester } = context;
  now = new Date('2026-11-27T16:55:00Z');
  const ticket = expectStatus(await call<{ id: string }>(api!.baseUrl, '/api/v1/tickets', { method: 'POST', headers: bearer(requester!.token), json: { type: 'incident', title: 'Payroll system down', impact: 'high', urgency: 'high' } }), 201, 'ticket');
  context.ticketId = ticket.body.id;
  const answer = await sla(api!, requester!.token, ticket.body.id);
  assert.is(answer.status, 200);
  assert.equal([answer.body.policy?.id, answer.body.policy?.version, answer.body.policy?.priority], [context.policyId, 1, 'P1']);
  // Nothing counts Friday after 17:00, nor the weekend, nor Monday: Tuesday 08:00 + 1 h and + 8 h (CET = UTC+1).
  assert.is(answer.body.clocks?.firstResponse.dueAt, '2026-12-01T08:00:00.000Z');
  assert.is(answer.body.clocks?.resolution.dueAt, '2026-12-01T15:00:00.000Z');
  assert.is(answer.body.clocks?.resolution.state, 'running');
});

test('an hour later on Tuesday the first response is breached, and the explanation says when', async (context) => {
  await context.at!('2026-12-01T09:00:00Z');
  const { api, requester, ticketId } = context;
  const answer = await sla(api!, requester!.token, ticketId!);
  const first = answer.body.clocks!.firstResponse;
  assert.equal([first.state, first.breachedAt, first.elapsedMinutes], ['breached', '2026-12-01T08:00:00.000Z', 120]);
  assert.equal(first.explain.map((entry) => entry.kind), ['started', 'warning', 'breach']);
  assert.is(first.explain[0]?.ref?.revision, 0);
});

test('pending pauses the resolution clock; the paused business time is reported and not counted', async (context) => {
  await context.at!('2026-12-01T09:00:00Z');
  const { api, ticketId } = context;
  expectStatus(await call(api!.baseUrl, `/api/v1/tickets/${ticketId}/start`, { method: 'POST', headers: bearer(context.admin!) }), 200, 'start');
  expectStatus(await call(api!.baseUrl, `/api/v1/tickets/${ticketId}/pend`, { method: 'POST', headers: bearer(context.admin!), json: { reason: 'waiting for the vendor' } }), 200, 'pend');
  await context.at!('2026-12-02T09:00:00Z');
  const paused = (await sla(api!, context.requester!.token, ticketId!)).body.clocks!.resolution;
  // Tue 08:00–10:00 ran (120); Tue 10:00–17:00 and Wed 08:00–10:00 were paused (420 + 120).
  assert.equal([paused.state, paused.elapsedMinutes, paused.pausedMinutes, paused.remainingMinutes, paused.dueAt], ['paused', 120, 540, 360, null]);
});

test('editing the policy never rewrites the clocks of a ticket already running under it', async ({ api, admin, requester, ticketId, policyId }) => {
  const tighter = { P1: { firstResponseMinutes: 5, resolutionMinutes: 30 }, P2: { firstResponseMinutes: 120, resolutionMinutes: 960 }, P3: { firstResponseMinutes: 240, resolutionMinutes: 1440 }, P4: { firstResponseMinutes: 480, resolutionMinutes: 2880 }, P5: { firstResponseMinutes: 960, resolutionMinutes: 4800 } };
  expectStatus(await call(api!.baseUrl, `/api/v1/sla-policies/${policyId}`, { method: 'PATCH', headers: bearer(admin!), json: { targets: tighter } }), 200, 'revise');
  const answer = (await sla(api!, requester!.token, ticketId!)).body;
  assert.equal([answer.policy?.version, answer.clocks?.resolution.targetMinutes], [1, 480]);
  const whatIf = await call<Sla>(api!.baseUrl, `/api/v1/tickets/${ticketId}/sla/what-if`, { method: 'POST', headers: bearer(admin!), json: { policyId } });
  assert.equal([whatIf.status, whatIf.body.policy?.version, whatIf.body.clocks?.resolution.targetMinutes], [200, 2, 30]);
  assert.is((await call(api!.baseUrl, `/api/v1/tickets/${ticketId}/sla/what-if`, { method: 'POST', headers: bearer(requester!.token), json: { policyId } })).status, 403);
  const events = await api!.system.store.readStream(`ticket-${ticketId}`);
  assert.is(events.filter((event) => event.type === 'TicketSlaApplied').length, 1, 'the what-if changed nothing');
});

test('a reworded ticket keeps the terms it recorded, though its policy has a newer version', async ({ api, admin, ticketId }) => {
  expectStatus(await call(api!.baseUrl, `/api/v1/tickets/${ticketId}`, { method: 'PATCH', headers: bearer(admin!), json: { title: 'Payroll export fails for every run' } }), 200, 'reword');
  const events = await api!.system.store.readStream(`ticket-${ticketId}`);
  assert.equal(
    events.filter((event) => event.type === 'TicketSlaApplied').map((event) => (event.data.terms as { policyVersion: number }).policyVersion),
    [1],
  );
});

test('a priority change re-applies the SLA with the targets of the new priority, recorded in the same append', async ({ api, admin, ticketId }) => {
  expectStatus(await call(api!.baseUrl, `/api/v1/tickets/${ticketId}/priority`, { method: 'POST', headers: bearer(admin!), json: { priority: 'P2', reason: 'only one team affected' } }), 200, 'override');
  const events = await api!.system.store.readStream(`ticket-${ticketId}`);
  const applied = events.filter((event) => event.type === 'TicketSlaApplied');
  assert.equal(applied.map((event) => event.data.terms as { priority: string; policyVersion: number }).map((terms) => [terms.priority, terms.policyVersion]), [['P1', 1], ['P2', 2]]);
  // One transaction: the ticket is never stored at its new priority without the terms that go with it.
  const changed = events.find((event) => event.type === 'TicketPriorityChanged')!;
  assert.equal([applied[1]!.revision, applied[1]!.position.commit], [changed.revision + 1, changed.position.commit]);
});

test.run();
