import { randomUUID } from 'node:crypto';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { RunningApi } from '../support/api.js';
import { call, startApi } from '../support/api.js';
import { createCatalogEntry } from '../support/catalog-fixtures.js';
import type { TenantFixture } from '../support/identity-fixtures.js';
import { addMember, bearer, createGroup, createUser, expectStatus, setUpTenant } from '../support/identity-fixtures.js';
import type { QueueEntry, RoutedTicket } from '../support/queue-fixtures.js';
import { createQueue, createStaffedTeam, openRoutedTicket, openTicket, queueBody } from '../support/queue-fixtures.js';

interface Page<T> {
  readonly data: T[];
  readonly nextCursor: string | null;
}
interface Problem {
  readonly status: number;
  readonly errors?: Array<{ path: string; message: string }>;
}

const test = suite<{ api?: RunningApi; a?: TenantFixture; b?: TenantFixture }>('queues over HTTP', {});

test.before(async (context) => {
  context.api = await startApi({ environment: { LOGIN_LIMIT_PER_ADDRESS: '10000', RATE_LIMIT_PER_MINUTE: '100000', READ_YOUR_WRITES_TIMEOUT_MS: '10000' } });
  [context.a, context.b] = await Promise.all([setUpTenant(context.api.baseUrl, 'Queues A'), setUpTenant(context.api.baseUrl, 'Queues B')]);
});
test.after(async (context) => {
  await context.api?.close();
});

const as = (tenant: TenantFixture, role: keyof TenantFixture['sessions'] = 'admin') => bearer(tenant.sessions[role].accessToken);
const token = (tenant: TenantFixture, role: keyof TenantFixture['sessions'] = 'admin') => tenant.sessions[role].accessToken;
/** A category of the tenant's own, so the queues a test makes route only that test's tickets. */
const ownCategory = async (api: RunningApi, tenant: TenantFixture) => (await createCatalogEntry(api.baseUrl, token(tenant), 'categories')).id;
const byId = (ids: readonly string[]) => [...ids].sort();

test('a manager creates a queue; agents read it with its version; requesters may not', async ({ api, a }) => {
  const categoryId = await ownCategory(api!, a!);
  const body = queueBody(a!.team, { name: '  Service desk  ', rules: { ticketTypes: ['incident', 'incident'], categoryIds: [categoryId] }, position: 7, strategy: 'round_robin' });
  const created = await call<QueueEntry>(api!.baseUrl, '/api/v1/queues', { method: 'POST', json: body, headers: as(a!, 'manager') });
  assert.is(created.status, 201, JSON.stringify(created.body));
  assert.is(created.headers.get('etag'), '"0"');
  assert.is(created.headers.get('location'), `/api/v1/queues/${created.body.id}`);
  assert.equal(
    { name: created.body.name, teamId: created.body.teamId, rules: created.body.rules, position: created.body.position, strategy: created.body.strategy, active: created.body.active, lastAssignment: created.body.lastAssignment },
    { name: 'Service desk', teamId: a!.team, rules: { ticketTypes: ['incident'], categoryIds: [categoryId], serviceIds: [] }, position: 7, strategy: 'round_robin', active: true, lastAssignment: null },
  );
  const read = await call<QueueEntry>(api!.baseUrl, `/api/v1/queues/${created.body.id}`, { headers: as(a!, 'technician') });
  assert.is(read.status, 200);
  assert.equal(read.body, created.body);
  const list = await call<Page<QueueEntry>>(api!.baseUrl, '/api/v1/queues?limit=100', { headers: as(a!, 'technician') });
  assert.ok(list.body.data.some((queue) => queue.id === created.body.id));

  for (const [method, path] of [['GET', `/api/v1/queues/${created.body.id}`], ['GET', '/api/v1/queues'], ['POST', '/api/v1/queues']] as const) {
    const refused = await call<Problem>(api!.baseUrl, path, { method, headers: as(a!, 'user'), ...(method === 'POST' ? { json: queueBody(a!.team) } : {}) });
    assert.is(refused.status, 403, `${method} ${path} by a requester`);
  }
  const byTechnician = await call(api!.baseUrl, '/api/v1/queues', { method: 'POST', json: queueBody(a!.team), headers: as(a!, 'technician') });
  assert.is(byTechnician.status, 403);
});

test('a manager renames, re-rules and retires a queue; If-Match guards the edit; technicians may not', async ({ api, a }) => {
  const categoryId = await ownCategory(api!, a!);
  const queue = await createQueue(api!.baseUrl, token(a!), a!.team, { rules: { ticketTypes: ['problem'], categoryIds: [categoryId] } });
  const denied = await call(api!.baseUrl, `/api/v1/queues/${queue.id}`, { method: 'PATCH', json: { name: 'Mine now' }, headers: as(a!, 'technician') });
  assert.is(denied.status, 403);
  const patched = await call<QueueEntry>(api!.baseUrl, `/api/v1/queues/${queue.id}`, { method: 'PATCH', json: { name: 'Problems', strategy: 'least_loaded', rules: { ticketTypes: ['problem', 'change'], categoryIds: [categoryId] } }, headers: { ...as(a!, 'manager'), 'If-Match': '"0"' } });
  assert.is(patched.status, 200, JSON.stringify(patched.body));
  assert.equal([patched.body.name, patched.body.strategy, patched.body.rules.ticketTypes, patched.body.version], ['Problems', 'least_loaded', ['problem', 'change'], 1]);
  const stale = await call(api!.baseUrl, `/api/v1/queues/${queue.id}`, { method: 'PATCH', json: { name: 'Late' }, headers: { ...as(a!, 'manager'), 'If-Match': '"0"' } });
  assert.is(stale.status, 412);

  const retired = await call<QueueEntry>(api!.baseUrl, `/api/v1/queues/${queue.id}/deactivate`, { method: 'POST', headers: as(a!, 'manager') });
  assert.is(retired.body.active, false);
  const activeOnly = await call<Page<QueueEntry>>(api!.baseUrl, '/api/v1/queues?active=true&limit=100', { headers: as(a!, 'technician') });
  assert.not.ok(activeOnly.body.data.some((row) => row.id === queue.id));
  const revived = await call<QueueEntry>(api!.baseUrl, `/api/v1/queues/${queue.id}/reactivate`, { method: 'POST', headers: as(a!) });
  assert.is(revived.body.active, true);
  const techRetire = await call(api!.baseUrl, `/api/v1/queues/${queue.id}/deactivate`, { method: 'POST', headers: as(a!, 'technician') });
  assert.is(techRetire.status, 403);
});

test('validates the body: team and catalog entries of the tenant, known strategies, no unknown fields; nothing is written', async ({ api, a, b }) => {
  const foreignCategory = await createCatalogEntry(api!.baseUrl, token(b!), 'categories');
  const before = await api!.system.store.headPosition();
  const post = (body: Record<string, unknown>) => call<Problem>(api!.baseUrl, '/api/v1/queues', { method: 'POST', json: body, headers: as(a!) });
  const paths = async (body: Record<string, unknown>) => {
    const response = await post(body);
    assert.is(response.status, 400, JSON.stringify(response.body));
    return response.body.errors?.map((error) => error.path);
  };
  assert.equal(await paths(queueBody(randomUUID())), ['/teamId']);
  assert.equal(await paths(queueBody(b!.team)), ['/teamId'], "another tenant's team");
  assert.equal(await paths(queueBody(a!.team, { rules: { categoryIds: [foreignCategory.id] } })), ['/rules/categoryIds/0']);
  assert.equal(await paths(queueBody(a!.team, { rules: { serviceIds: [randomUUID()] } })), ['/rules/serviceIds/0']);
  assert.equal(await paths(queueBody(a!.team, { strategy: 'random' })), ['/strategy']);
  assert.equal(await paths(queueBody(a!.team, { position: -1 })), ['/position']);
  assert.equal(await paths(queueBody(a!.team, { rules: { ticketTypes: ['outage'] } })), ['/rules/ticketTypes/0']);
  assert.equal(await paths(queueBody(a!.team, { name: '   ' })), ['/name']);
  assert.equal(await paths(queueBody(a!.team, { owner: 'me' })), ['/owner']);
  assert.equal(await api!.system.store.headPosition(), before, 'a refused command appends nothing');
});

test("another tenant's queue is not found, and lists show only the caller's tenant", async ({ api, a, b }) => {
  const queue = await createQueue(api!.baseUrl, token(a!), a!.team, { rules: { ticketTypes: ['change'], categoryIds: [await ownCategory(api!, a!)] } });
  const theirs = await createQueue(api!.baseUrl, token(b!), b!.team, { rules: { ticketTypes: ['change'] } });
  assert.is((await call(api!.baseUrl, `/api/v1/queues/${queue.id}`, { headers: as(b!) })).status, 404);
  assert.is((await call(api!.baseUrl, `/api/v1/queues/${queue.id}`, { method: 'PATCH', json: { name: 'Stolen' }, headers: as(b!) })).status, 404);
  assert.is((await call(api!.baseUrl, `/api/v1/queues/${queue.id}/deactivate`, { method: 'POST', headers: as(b!) })).status, 404);
  const list = await call<Page<QueueEntry>>(api!.baseUrl, '/api/v1/queues?limit=100', { headers: as(b!) });
  assert.ok(list.body.data.some((row) => row.id === theirs.id));
  assert.not.ok(list.body.data.some((row) => row.id === queue.id));
  assert.is((await call(api!.baseUrl, '/api/v1/queues/not-a-uuid', { headers: as(a!) })).status, 404);
});

test('routes a new ticket by type and category to the first matching queue by position', async ({ api, a }) => {
  const categoryId = await ownCategory(api!, a!);
  const [problemTeam, incidentTeam, fallbackTeam] = await Promise.all([createGroup(api!.baseUrl, token(a!), 'teams'), createGroup(api!.baseUrl, token(a!), 'teams'), createGroup(api!.baseUrl, token(a!), 'teams')]);
  await createQueue(api!.baseUrl, token(a!), problemTeam, { rules: { ticketTypes: ['problem'], categoryIds: [categoryId] }, position: 1 });
  const incidents = await createQueue(api!.baseUrl, token(a!), incidentTeam, { rules: { ticketTypes: ['incident'], categoryIds: [categoryId] }, position: 2 });
  // Matches every type of this category, but comes later.
  await createQueue(api!.baseUrl, token(a!), fallbackTeam, { rules: { categoryIds: [categoryId] }, position: 3 });

  const problem = await openRoutedTicket(api!.baseUrl, token(a!, 'technician'), { type: 'problem', categoryId });
  const incident = await openRoutedTicket(api!.baseUrl, token(a!, 'user'), { type: 'incident', categoryId });
  const request = await openRoutedTicket(api!.baseUrl, token(a!, 'user'), { type: 'service_request', categoryId });
  const uncategorised = await openRoutedTicket(api!.baseUrl, token(a!, 'user'), { type: 'incident' });
  assert.equal([problem.teamId, incident.teamId, request.teamId], [problemTeam, incidentTeam, fallbackTeam]);
  assert.is(uncategorised.teamId, null, 'no queue matches a ticket outside the category');
  assert.is(incident.assigneeId, null, 'strategy none routes to the team unassigned');

  const events = await api!.system.store.readStream(`ticket-${incident.id}`);
  const routed = events.find((event) => event.type === 'TicketAssigned');
  assert.equal(routed?.data, { assigneeId: null, teamId: incidentTeam, previousAssigneeId: null, at: routed?.data.at ?? null, queueId: incidents.id });

  // A retired queue routes nothing: the next one by position takes over.
  await call(api!.baseUrl, `/api/v1/queues/${incidents.id}/deactivate`, { method: 'POST', headers: as(a!) });
  const later = await openRoutedTicket(api!.baseUrl, token(a!, 'user'), { type: 'incident', categoryId });
  assert.is(later.teamId, fallbackTeam);
});

test('routes by service, and a ticket that names its team is not routed', async ({ api, a }) => {
  const service = await createCatalogEntry(api!.baseUrl, token(a!), 'services');
  const team = await createGroup(api!.baseUrl, token(a!), 'teams');
  await createQueue(api!.baseUrl, token(a!), team, { rules: { serviceIds: [service.id] } });
  const routed = await openRoutedTicket(api!.baseUrl, token(a!, 'user'), { serviceId: service.id });
  assert.is(routed.teamId, team);
  const named = await openRoutedTicket(api!.baseUrl, token(a!, 'technician'), { serviceId: service.id, teamId: a!.team });
  assert.is(named.teamId, a!.team);
  const events = await api!.system.store.readStream(`ticket-${named.id}`);
  assert.not.ok(events.some((event) => event.type === 'TicketAssigned'));
});

test('round robin across three technicians cycles A, B, C, A and shows where the rotation stands', async ({ api, a }) => {
  const categoryId = await ownCategory(api!, a!);
  const { teamId, members } = await createStaffedTeam(api!.baseUrl, token(a!), ['technician', 'technician', 'technician']);
  const queue = await createQueue(api!.baseUrl, token(a!), teamId, { rules: { categoryIds: [categoryId] }, strategy: 'round_robin' });
  const order = byId(members.map((member) => member.id));
  const assignees: Array<string | null> = [];
  let last: RoutedTicket | null = null;
  for (let n = 0; n < 4; n += 1) {
    last = await openRoutedTicket(api!.baseUrl, token(a!, 'user'), { categoryId });
    assignees.push(last.assigneeId);
    assert.is(last.status, 'assigned');
  }
  assert.equal(assignees, [order[0], order[1], order[2], order[0]]);
  const shown = await call<QueueEntry>(api!.baseUrl, `/api/v1/queues/${queue.id}`, { headers: as(a!, 'technician') });
  assert.equal([shown.body.lastAssignment?.assigneeId, shown.body.lastAssignment?.ticketId], [order[0], last!.id]);
});

test('round robin skips deactivated members and requesters; with nobody eligible the ticket goes to the team unassigned', async ({ api, a }) => {
  const categoryId = await ownCategory(api!, a!);
  const { teamId, members } = await createStaffedTeam(api!.baseUrl, token(a!), ['technician', 'manager', 'user']);
  const [technician, manager] = members as [(typeof members)[0], (typeof members)[0]];
  await createQueue(api!.baseUrl, token(a!), teamId, { rules: { categoryIds: [categoryId] }, strategy: 'round_robin' });
  expectStatus(await call(api!.baseUrl, `/api/v1/users/${manager.id}/deactivate`, { method: 'POST', headers: as(a!) }), 200, 'deactivating the manager');
  const picks = [];
  for (let n = 0; n < 3; n += 1) picks.push((await openRoutedTicket(api!.baseUrl, token(a!, 'user'), { categoryId })).assigneeId);
  assert.equal(picks, [technician.id, technician.id, technician.id]);

  const lonely = await createGroup(api!.baseUrl, token(a!), 'teams');
  const requester = await createUser(api!.baseUrl, token(a!), 'user');
  await addMember(api!.baseUrl, token(a!), 'teams', lonely, requester.id);
  const otherCategory = await ownCategory(api!, a!);
  await createQueue(api!.baseUrl, token(a!), lonely, { rules: { categoryIds: [otherCategory] }, strategy: 'round_robin' });
  const unassigned = await openRoutedTicket(api!.baseUrl, token(a!, 'user'), { categoryId: otherCategory });
  assert.equal([unassigned.teamId, unassigned.assigneeId, unassigned.status], [lonely, null, 'new']);
});

test('least loaded picks the member with the fewest open tickets, ties by the stable order', async ({ api, a }) => {
  const categoryId = await ownCategory(api!, a!);
  const { teamId, members } = await createStaffedTeam(api!.baseUrl, token(a!), ['technician', 'technician', 'technician']);
  const [first, second, third] = byId(members.map((member) => member.id)) as [string, string, string];
  // first holds two open tickets, second one, third one resolved (which does not count).
  const give = async (assigneeId: string) => {
    const ticket = await openRoutedTicket(api!.baseUrl, token(a!, 'manager'), { teamId });
    expectStatus(await call(api!.baseUrl, `/api/v1/tickets/${ticket.id}/assign`, { method: 'POST', json: { assigneeId, teamId }, headers: as(a!, 'manager') }), 200, 'assigning');
    return ticket.id;
  };
  await give(first);
  await give(first);
  await give(second);
  const done = await give(third);
  expectStatus(await call(api!.baseUrl, `/api/v1/tickets/${done}/start`, { method: 'POST', headers: as(a!, 'manager') }), 200, 'starting');
  expectStatus(await call(api!.baseUrl, `/api/v1/tickets/${done}/resolve`, { method: 'POST', json: { code: 'fixed', notes: 'done' }, headers: as(a!, 'manager') }), 200, 'resolving');
  await createQueue(api!.baseUrl, token(a!), teamId, { rules: { categoryIds: [categoryId] }, strategy: 'least_loaded' });

  const picks = [];
  for (let n = 0; n < 3; n += 1) picks.push((await openRoutedTicket(api!.baseUrl, token(a!, 'user'), { categoryId })).assigneeId);
  // third (0) → third (1) ties second (1): second comes first in the order → then first (2), second (2), third (2)… first by order.
  assert.equal(picks, [third, second, third]);
});

test('six tickets opened at once on a round-robin queue of three give each member exactly two', async ({ api, a }) => {
  const categoryId = await ownCategory(api!, a!);
  const { teamId, members } = await createStaffedTeam(api!.baseUrl, token(a!), ['technician', 'technician', 'technician']);
  await createQueue(api!.baseUrl, token(a!), teamId, { rules: { categoryIds: [categoryId] }, strategy: 'round_robin' });
  const opened = await Promise.all(Array.from({ length: 6 }, () => openTicket(api!.baseUrl, token(a!, 'user'), { categoryId })));
  assert.equal(opened.map((response) => response.status), [201, 201, 201, 201, 201, 201], JSON.stringify(opened.map((response) => response.body)));
  const counts = new Map<string, number>();
  for (const response of opened) counts.set(response.body.assigneeId ?? 'nobody', (counts.get(response.body.assigneeId ?? 'nobody') ?? 0) + 1);
  assert.equal(Object.fromEntries(counts), Object.fromEntries(members.map((member) => [member.id, 2])));
});

test.run();
