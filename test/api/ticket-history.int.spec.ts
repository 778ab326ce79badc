import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { RunningApi } from '../support/api.js';
import { call, startApi } from '../support/api.js';
import type { TenantFixture } from '../support/identity-fixtures.js';
import { bearer, expectStatus, setUpTenant } from '../support/identity-fixtures.js';
import { createQueue } from '../support/queue-fixtures.js';

interface Entry {
  readonly revision: number;
  readonly type: string;
  readonly occurredAt: string;
  readonly actor: { id: string; name: string | null } | null;
  readonly summary: string;
  readonly changes: Array<{ field: string; from: unknown; to: unknown }>;
}

const test = suite<{ api?: RunningApi; a?: TenantFixture; b?: TenantFixture }>('ticket history over HTTP', {});

test.before(async (context) => {
  context.api = await startApi({ environment: { LOGIN_LIMIT_PER_ADDRESS: '10000', RATE_LIMIT_PER_MINUTE: '100000', READ_YOUR_WRITES_TIMEOUT_MS: '10000' } });
  [context.a, context.b] = await Promise.all([setUpTenant(context.api.baseUrl, 'History A'), setUpTenant(context.api.baseUrl, 'History B')]);
});
test.after(async (context) => {
  await context.api?.close();
});

const as = (tenant: TenantFixture, role: keyof TenantFixture['sessions'] = 'admin') => bearer(tenant.sessions[role].accessToken);

/** A requester's ticket worked by the technician: an edit, an internal note, a reply, resolution. */
async function workedTicket(base: string, tenant: TenantFixture): Promise<string> {
  const opened = expectStatus(await call<{ id: string }>(base, '/api/v1/tickets', { method: 'POST', headers: as(tenant, 'user'), json: { type: 'incident', title: 'VPN drops', description: 'Every hour', impact: 'low', urgency: 'medium' } }), 201, 'raising');
  const id = opened.body.id;
  const tech = as(tenant, 'technician');
  expectStatus(await call(base, `/api/v1/tickets/${id}`, { method: 'PATCH', headers: tech, json: { title: 'VPN drops every hour' } }), 200, 'rewording');
  expectStatus(await call(base, `/api/v1/tickets/${id}/comments`, { method: 'POST', headers: tech, json: { body: 'Suspect the concentrator', internal: true } }), 201, 'internal note');
  expectStatus(await call(base, `/api/v1/tickets/${id}/comments`, { method: 'POST', headers: tech, json: { body: 'Please update the client' } }), 201, 'reply');
  expectStatus(await call(base, `/api/v1/tickets/${id}/start`, { method: 'POST', headers: tech }), 200, 'starting');
  expectStatus(await call(base, `/api/v1/tickets/${id}/resolve`, { method: 'POST', headers: tech, json: { code: 'fixed', notes: 'client updated' } }), 200, 'resolving');
  return id;
}

const history = (base: string, id: string, headers: Record<string, string>) => call<{ data: Entry[] }>(base, `/api/v1/tickets/${id}/history`, { headers });

test('an agent reads every event in order with who did it and what changed', async ({ api, a }) => {
  const base = api!.baseUrl;
  const id = await workedTicket(base, a!);
  const response = await history(base, id, as(a!, 'manager'));
  assert.is(response.status, 200, JSON.stringify(response.body));
  const entries = response.body.data;
  assert.equal(entries.map((entry) => entry.revision), entries.map((_, index) => index), 'every revision, in order');
  assert.is(entries[0]!.type, 'TicketOpened');
  assert.is(entries[0]!.actor?.id, a!.sessions.user.id);
  const reworded = entries.find((entry) => entry.type === 'TicketUpdated')!;
  assert.equal(reworded.changes, [{ field: 'title', from: 'VPN drops', to: 'VPN drops every hour' }]);
  assert.match(reworded.summary, /title: VPN drops → VPN drops every hour/);
  assert.is(reworded.actor?.name, a!.sessions.technician.name);
  assert.ok(entries.some((entry) => entry.summary === 'internal note added'), 'agents see internal notes');
  const resolved = entries.find((entry) => entry.type === 'TicketResolved')!;
  assert.ok(resolved.changes.some((change) => change.field === 'status' && change.to === 'resolved'), JSON.stringify(resolved));
});

test('actors keep the name they had when they acted', async ({ api, a }) => {
  const base = api!.baseUrl;
  const id = await workedTicket(base, a!);
  const before = a!.sessions.technician.name;
  expectStatus(await call(base, `/api/v1/users/${a!.sessions.technician.id}`, { method: 'PATCH', headers: as(a!), json: { name: 'Renamed Technician' } }), 200, 'renaming');
  expectStatus(await call(base, `/api/v1/tickets/${id}/comments`, { method: 'POST', headers: as(a!, 'technician'), json: { body: 'After the rename' } }), 201, 'commenting');
  const entries = (await history(base, id, as(a!))).body.data.filter((entry) => entry.actor?.id === a!.sessions.technician.id);
  assert.is(entries[0]!.actor?.name, before);
  assert.is(entries.at(-1)!.actor?.name, 'Renamed Technician');
});

test('summaries name queues, teams and people as they were named then, and keep the ids in changes', async ({ api, b }) => {
  const base = api!.baseUrl;
  const manager = as(b!, 'manager');
  const technician = b!.sessions.technician;
  const watcher = b!.sessions.user;
  const team = expectStatus(await call<{ name: string }>(base, `/api/v1/teams/${b!.team}`, { headers: manager }), 200, 'reading the team').body;
  const queue = await createQueue(base, b!.sessions.manager.accessToken, b!.team, { name: 'Problem desk', rules: { ticketTypes: ['problem'] } });
  const raised = expectStatus(await call<{ id: string }>(base, '/api/v1/tickets', { method: 'POST', headers: manager, json: { type: 'problem', title: 'Disk batch failing', impact: 'medium', urgency: 'low' } }), 201, 'raising').body;
  expectStatus(await call(base, `/api/v1/tickets/${raised.id}/assign`, { method: 'POST', headers: manager, json: { assigneeId: technician.id } }), 200, 'assigning');
  expectStatus(await call(base, `/api/v1/tickets/${raised.id}/watchers`, { method: 'POST', headers: manager, json: { userId: watcher.id } }), 200, 'watching');
  // Renamed afterwards: the history keeps the names of then.
  expectStatus(await call(base, `/api/v1/queues/${queue.id}`, { method: 'PATCH', headers: manager, json: { name: 'Renamed queue' } }), 200, 'renaming the queue');
  expectStatus(await call(base, `/api/v1/teams/${b!.team}`, { method: 'PATCH', headers: as(b!), json: { name: 'Renamed team' } }), 200, 'renaming the team');
  expectStatus(await call(base, `/api/v1/users/${technician.id}`, { method: 'PATCH', headers: as(b!), json: { name: 'Renamed technician' } }), 200, 'renaming the technician');

  const entries = expectStatus(await history(base, raised.id, manager), 200, 'history').body.data;
  const routed = entries.find((entry) => entry.type === 'TicketAssigned' && entry.summary.startsWith('routed'))!;
  assert.match(routed.summary, new RegExp(`^routed by queue Problem desk \\(.*team: — → ${team.name}`), routed.summary);
  assert.ok(routed.changes.some((change) => change.field === 'teamId' && change.to === b!.team), 'changes keep the id');
  const assigned = entries.find((entry) => entry.type === 'TicketAssigned' && entry.summary.startsWith('assignment changed'))!;
  assert.ok(assigned.summary.includes(`assignee: — → ${technician.name}`), assigned.summary);
  assert.ok(entries.some((entry) => entry.summary === `watcher added: ${watcher.name} (watchers: [] → [${watcher.name}])`), JSON.stringify(entries.map((entry) => entry.summary)));
  assert.not.ok(entries.some((entry) => entry.summary.includes('Renamed')), 'no name from after the event');
});

test("a requester sees only the public part of their own ticket's history", async ({ api, a }) => {
  const base = api!.baseUrl;
  const id = await workedTicket(base, a!);
  const mine = await history(base, id, as(a!, 'user'));
  assert.is(mine.status, 200);
  const text = JSON.stringify(mine.body);
  assert.not.ok(text.includes('internal note') || text.includes('Suspect the concentrator'), 'no internal note');
  assert.not.ok(mine.body.data.some((entry) => entry.type.startsWith('Sla') || entry.type === 'TicketSlaApplied'));
  assert.ok(mine.body.data.some((entry) => entry.summary === 'comment added'));
  assert.ok(mine.body.data.some((entry) => entry.type === 'TicketResolved'));

  // Another requester's ticket, another tenant's: nothing.
  const theirs = expectStatus(await call<{ id: string }>(base, '/api/v1/tickets', { method: 'POST', headers: as(a!), json: { type: 'incident', title: 'Not yours', impact: 'low', urgency: 'low' } }), 201, 'raising').body.id;
  assert.is((await history(base, theirs, as(a!, 'user'))).status, 404);
});

test('a deleted ticket keeps its history for agents and loses it for its requester; other tenants get 404', async ({ api, a, b }) => {
  const base = api!.baseUrl;
  const id = await workedTicket(base, a!);
  expectStatus(await call(base, `/api/v1/tickets/${id}`, { method: 'DELETE', headers: as(a!) }), 204, 'deleting');
  const audited = await history(base, id, as(a!));
  assert.is(audited.status, 200);
  assert.is(audited.body.data.at(-1)!.type, 'TicketDeleted');
  assert.is((await history(base, id, as(a!, 'user'))).status, 404);
  assert.is((await history(base, id, as(b!))).status, 404);
  assert.is((await history(base, '00000000-0000-4000-8000-000000000000', as(a!))).status, 404);
  assert.is((await history(base, 'not-an-id', as(a!))).status, 404);
});

test.run();
