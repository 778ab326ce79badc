import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { RunningApi } from '../support/api.js';
import { call, startApi } from '../support/api.js';
import type { TenantFixture } from '../support/identity-fixtures.js';
import { bearer, createUser, expectStatus, setUpTenant } from '../support/identity-fixtures.js';

interface Ticket {
  readonly id: string;
  readonly number: string;
  readonly priority: string;
  readonly assigneeId: string | null;
  readonly teamId: string | null;
  readonly watcherIds: string[];
  readonly links: Array<{ id: string; kind: string; targetId: string }>;
  readonly version: number;
}
interface Page {
  readonly data: Ticket[];
  readonly nextCursor: string | null;
}
interface Problem {
  readonly detail: string;
  readonly errors?: Array<{ path: string; message: string }>;
}

const test = suite<{ api?: RunningApi; a?: TenantFixture; b?: TenantFixture }>('ticket lists, links and watchers by reference', {});

test.before(async (context) => {
  context.api = await startApi({ environment: { LOGIN_LIMIT_PER_ADDRESS: '10000', RATE_LIMIT_PER_MINUTE: '100000', READ_YOUR_WRITES_TIMEOUT_MS: '10000' } });
  [context.a, context.b] = await Promise.all([setUpTenant(context.api.baseUrl, 'References A'), setUpTenant(context.api.baseUrl, 'References B')]);
});
test.after(async (context) => {
  await context.api?.close();
});

const as = (tenant: TenantFixture, role: keyof TenantFixture['sessions'] = 'manager') => bearer(tenant.sessions[role].accessToken);

async function raise(base: string, tenant: TenantFixture, impact: string, urgency: string): Promise<Ticket> {
  const json = { type: 'incident', title: `Printer ${impact}/${urgency}`, impact, urgency };
  return expectStatus(await call<Ticket>(base, '/api/v1/tickets', { method: 'POST', headers: as(tenant), json }), 201, 'raising').body;
}

/** Every page of a list, following the cursors. */
async function allPages(base: string, tenant: TenantFixture, query: string): Promise<Ticket[]> {
  const tickets: Ticket[] = [];
  let cursor: string | null = null;
  do {
    const page: Page = expectStatus(await call<Page>(base, `/api/v1/tickets?${query}&limit=2${cursor ? `&cursor=${cursor}` : ''}`, { headers: as(tenant) }), 200, query).body;
    tickets.push(...page.data);
    cursor = page.nextCursor;
  } while (cursor);
  return tickets;
}

const streamTypes = async (api: RunningApi, ticketId: string) => (await api.system.store.readStream(`ticket-${ticketId}`)).map((event) => event.type);

test('sort=-priority lists the most urgent first and sort=priority the least urgent first, both paged by cursor', async ({ api, b }) => {
  const base = api!.baseUrl;
  // Tenant B's only tickets: two at P3 so that ties page too.
  for (const [impact, urgency] of [['low', 'low'], ['high', 'high'], ['medium', 'medium'], ['low', 'high'], ['high', 'medium'], ['medium', 'low']]) await raise(base, b!, impact!, urgency!);
  const urgentFirst = await allPages(base, b!, 'sort=-priority');
  assert.equal(urgentFirst.map((ticket) => ticket.priority), ['P1', 'P2', 'P3', 'P3', 'P4', 'P5']);
  const leastUrgentFirst = await allPages(base, b!, 'sort=priority');
  assert.equal(leastUrgentFirst.map((ticket) => ticket.priority), ['P5', 'P4', 'P3', 'P3', 'P2', 'P1']);
  assert.equal(leastUrgentFirst.map((ticket) => ticket.id), urgentFirst.map((ticket) => ticket.id).reverse(), 'one order is the other reversed, ties included');
});

test('assigneeId=none and teamId=none list the tickets nobody holds', async ({ api, a }) => {
  const base = api!.baseUrl;
  const unassigned = await raise(base, a!, 'low', 'low');
  const held = await raise(base, a!, 'low', 'low');
  const assigned = await call<Ticket>(base, `/api/v1/tickets/${held.id}/assign`, { method: 'POST', headers: as(a!), json: { assigneeId: a!.member.id, teamId: a!.team } });
  assert.is(assigned.status, 200, JSON.stringify(assigned.body));
  for (const filter of ['assigneeId=none', 'teamId=none']) {
    const listed = await allPages(base, a!, filter);
    assert.ok(listed.some((ticket) => ticket.id === unassigned.id), `${filter} lists the unassigned ticket`);
    assert.not.ok(listed.some((ticket) => ticket.id === held.id), `${filter} leaves out the assigned one`);
  }
  assert.ok((await allPages(base, a!, 'assigneeId=none')).every((ticket) => ticket.assigneeId === null));
  assert.ok((await allPages(base, a!, 'teamId=none')).every((ticket) => ticket.teamId === null));
  assert.equal((await allPages(base, a!, `assigneeId=${a!.member.id}&teamId=${a!.team}`)).map((ticket) => ticket.id), [held.id]);
  const refused = await call<Problem>(base, '/api/v1/tickets?assigneeId=nobody', { headers: as(a!) });
  assert.is(refused.status, 400);
  assert.equal(refused.body.errors?.map((error) => error.path), ['/assigneeId']);
});

test("a link's targetId takes the other ticket's number, and an unknown or another tenant's number appends nothing", async ({ api, a, b }) => {
  const base = api!.baseUrl;
  const incident = await raise(base, a!, 'medium', 'medium');
  const problem = expectStatus(await call<Ticket>(base, '/api/v1/tickets', { method: 'POST', headers: as(a!), json: { type: 'problem', title: 'Fuser batch', impact: 'medium', urgency: 'medium' } }), 201, 'raising').body;
  const linked = await call<Ticket>(base, `/api/v1/tickets/${incident.number}/links`, { method: 'POST', headers: as(a!, 'technician'), json: { targetId: problem.number, kind: 'caused_by' } });
  assert.is(linked.status, 201, JSON.stringify(linked.body));
  assert.equal(linked.body.links.map((link) => [link.kind, link.targetId]), [['caused_by', problem.id]]);

  const elsewhere = await raise(base, b!, 'low', 'low');
  const before = await streamTypes(api!, incident.id);
  for (const targetId of ['INC-999999', elsewhere.number === incident.number ? 'PRB-999999' : elsewhere.number, incident.number]) {
    const refused = await call<Problem>(base, `/api/v1/tickets/${incident.id}/links`, { method: 'POST', headers: as(a!, 'technician'), json: { targetId, kind: 'relates_to' } });
    assert.is(refused.status, 400, `${targetId}: ${JSON.stringify(refused.body)}`);
    assert.equal(refused.body.errors?.map((error) => error.path), ['/targetId']);
  }
  assert.is((await call(base, `/api/v1/tickets/${incident.id}/links`, { method: 'POST', headers: as(a!, 'technician'), json: { targetId: 'inc-1', kind: 'relates_to' } })).status, 400, 'neither a UUID nor a number');
  assert.equal(await streamTypes(api!, incident.id), before, 'nothing appended');
});

test('a watcher must be an active user of the tenant: another tenant’s, a deactivated or an unknown user is refused and nothing is appended', async ({ api, a, b }) => {
  const base = api!.baseUrl;
  const ticket = await raise(base, a!, 'low', 'medium');
  const leaver = await createUser(base, a!.sessions.admin.accessToken, 'user', 'leaver');
  expectStatus(await call(base, `/api/v1/users/${leaver.id}/deactivate`, { method: 'POST', headers: as(a!, 'admin') }), 200, 'deactivating');
  const before = await streamTypes(api!, ticket.id);
  for (const userId of [b!.sessions.technician.id, leaver.id, '6f1f3c2e-0000-4000-8000-000000000001']) {
    const refused = await call<Problem>(base, `/api/v1/tickets/${ticket.id}/watchers`, { method: 'POST', headers: as(a!, 'technician'), json: { userId } });
    assert.is(refused.status, 400, `${userId}: ${JSON.stringify(refused.body)}`);
    assert.match(refused.body.detail, /only active users of the tenant can watch a ticket/);
    assert.equal(refused.body.errors?.map((error) => error.path), ['/userId']);
  }
  assert.equal(await streamTypes(api!, ticket.id), before, 'nothing appended');
  const watched = await call<Ticket>(base, `/api/v1/tickets/${ticket.id}/watchers`, { method: 'POST', headers: as(a!, 'technician'), json: { userId: a!.sessions.user.id } });
  assert.is(watched.status, 200, JSON.stringify(watched.body));
  assert.equal(watched.body.watcherIds, [a!.sessions.user.id]);
});

test.run();
