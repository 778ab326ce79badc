import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { RunningApi } from '../support/api.js';
import { call, startApi } from '../support/api.js';

interface Ticket {
  id: string;
  number: string;
  type: string;
  status: string;
  priority: string;
  requesterId: string;
  assigneeId: string | null;
  version: number;
  links: Array<{ id: string; kind: string; targetId: string }>;
  approvals: Array<{ approverId: string; decision: string | null }>;
  [key: string]: unknown;
}
interface Problem {
  status: number;
  type: string;
  allowedTransitions?: Array<{ action: string; to: string }>;
}
interface Desk {
  slug: string;
  admin: { id: string; token: string };
  manager: { id: string; token: string };
  tech: { id: string; token: string };
  alice: { id: string; token: string };
  bob: { id: string; token: string };
}

const PASSWORD = 'quiet-heron-basalt-71';
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
let seq = 0;

async function setUpDesk(api: RunningApi): Promise<Desk> {
  seq += 1;
  const signup = await call<{ tenant: { slug: string }; user: { id: string }; accessToken: string }>(api.baseUrl, '/api/v1/signup', {
    method: 'POST',
    json: { organization: `Desk ${Date.now()} ${seq}`, email: `boss${seq}@desk.example`, password: PASSWORD, name: 'Boss' },
  });
  const people: Record<string, { id: string; token: string }> = {};
  for (const [key, role] of [['manager', 'manager'], ['tech', 'technician'], ['alice', 'user'], ['bob', 'user']] as const) {
    const email = `${key}${seq}@desk.example`;
    const created = await call<{ id: string }>(api.baseUrl, '/api/v1/users', { method: 'POST', headers: auth(signup.body.accessToken), json: { email, name: key, role, password: PASSWORD } });
    const login = await call<{ accessToken: string }>(api.baseUrl, '/api/v1/auth/login', { method: 'POST', json: { tenant: signup.body.tenant.slug, email, password: PASSWORD } });
    people[key] = { id: created.body.id, token: login.body.accessToken };
  }
  return { slug: signup.body.tenant.slug, admin: { id: signup.body.user.id, token: signup.body.accessToken }, ...(people as Omit<Desk, 'slug' | 'admin'>) };
}

async function raise(api: RunningApi, token: string, fields: Record<string, unknown> = {}): Promise<Ticket> {
  const response = await call<Ticket>(api.baseUrl, '/api/v1/tickets', { method: 'POST', headers: auth(token), json: { type: 'incident', title: 'Printer on fire', description: 'Smoke from tray 2', impact: 'medium', urgency: 'high', ...fields } });
  assert.is(response.status, 201, JSON.stringify(response.body));
  return response.body;
}

const act = (api: RunningApi, token: string, ticket: string, action: string, json?: unknown, headers: Record<string, string> = {}) =>
  call<Ticket & Problem>(api.baseUrl, `/api/v1/tickets/${ticket}/${action}`, { method: 'POST', headers: { ...auth(token), ...headers }, ...(json !== undefined ? { json } : {}) });

const test = suite<{ api?: RunningApi; desk?: Desk }>('tickets over HTTP', {});

test.before(async (context) => {
  context.api = await startApi({ environment: { RATE_LIMIT_PER_MINUTE: '100000', LOGIN_LIMIT_PER_ADDRESS: '100000' } });
  context.desk = await setUpDesk(context.api);
});
test.after(async (context) => {
  await context.api?.close();
});

test('opens a ticket with a number and ITIL priority; it is in the list at once', async ({ api, desk }) => {
  const ticket = await raise(api!, desk!.alice.token);
  assert.match(ticket.number, /^INC-\d{6}$/);
  assert.is(ticket.priority, 'P2');
  assert.is(ticket.status, 'new');
  assert.is(ticket.requesterId, desk!.alice.id);
  const list = await call<{ data: Ticket[] }>(api!.baseUrl, '/api/v1/tickets', { headers: auth(desk!.alice.token) });
  assert.ok(list.body.data.some((item) => item.id === ticket.id));
  const byNumber = await call<Ticket>(api!.baseUrl, `/api/v1/tickets/${ticket.number}`, { headers: auth(desk!.tech.token) });
  assert.is(byNumber.body.id, ticket.id);
});

test('runs the lifecycle: assign, start, pend, resume, resolve, close', async ({ api, desk }) => {
  const ticket = await raise(api!, desk!.alice.token);
  let now = await act(api!, desk!.manager.token, ticket.id, 'assign', { assigneeId: desk!.tech.id });
  assert.equal([now.status, now.body.status, now.body.assigneeId], [200, 'assigned', desk!.tech.id]);
  now = await act(api!, desk!.tech.token, ticket.id, 'start');
  assert.is(now.body.status, 'in_progress');
  now = await act(api!, desk!.tech.token, ticket.id, 'pend', { reason: 'waiting for toner' });
  assert.equal([now.body.status, now.body.pendingReason], ['pending', 'waiting for toner']);
  now = await act(api!, desk!.tech.token, ticket.id, 'resume');
  assert.is(now.body.status, 'in_progress');
  now = await act(api!, desk!.tech.token, ticket.id, 'resolve', { code: 'fixed', notes: 'Replaced the fuser' });
  assert.equal([now.body.status, now.body.resolution], ['resolved', { code: 'fixed', notes: 'Replaced the fuser' }]);
  now = await act(api!, desk!.alice.token, ticket.id, 'reopen', { reason: 'still smoking' });
  assert.equal([now.status, now.body.status], [200, 'in_progress']);
  await act(api!, desk!.tech.token, ticket.id, 'resolve', { code: 'fixed', notes: 'Really fixed' });
  now = await act(api!, desk!.alice.token, ticket.id, 'close');
  assert.is(now.body.status, 'closed');
});

test('an illegal transition is 409 naming what is allowed', async ({ api, desk }) => {
  const ticket = await raise(api!, desk!.alice.token);
  const refused = await act(api!, desk!.tech.token, ticket.id, 'resolve', { code: 'fixed', notes: 'n' });
  assert.is(refused.status, 409);
  assert.equal(refused.body.allowedTransitions?.map((t) => t.action).sort(), ['assign', 'cancel', 'start']);
});

test('a requester sees only their own tickets and never internal comments', async ({ api, desk }) => {
  const mine = await raise(api!, desk!.alice.token);
  const theirs = await raise(api!, desk!.bob.token);
  assert.is((await call(api!.baseUrl, `/api/v1/tickets/${theirs.id}`, { headers: auth(desk!.alice.token) })).status, 404);
  assert.is((await call(api!.baseUrl, `/api/v1/tickets/${theirs.number}`, { headers: auth(desk!.alice.token) })).status, 404);
  assert.is((await act(api!, desk!.alice.token, theirs.id, 'comments', { body: 'hello' })).status, 404);
  const list = await call<{ data: Ticket[] }>(api!.baseUrl, '/api/v1/tickets?limit=100', { headers: auth(desk!.alice.token) });
  assert.ok(list.body.data.every((ticket) => ticket.requesterId === desk!.alice.id));
  assert.is((await act(api!, desk!.alice.token, mine.id, 'assign', { assigneeId: desk!.tech.id })).status, 403);
  assert.is((await act(api!, desk!.alice.token, mine.id, 'comments', { body: 'sneaky', internal: true })).status, 403);
  await act(api!, desk!.tech.token, mine.id, 'comments', { body: 'Internal: user is VIP', internal: true });
  await act(api!, desk!.tech.token, mine.id, 'comments', { body: 'We are on it' });
  const seenByAlice = await call<{ data: Array<{ body: string; internal: boolean }> }>(api!.baseUrl, `/api/v1/tickets/${mine.id}/comments`, { headers: auth(desk!.alice.token) });
  assert.equal(seenByAlice.body.data.map((c) => c.body), ['We are on it']);
  const seenByTech = await call<{ data: Array<{ body: string }> }>(api!.baseUrl, `/api/v1/tickets/${mine.id}/comments`, { headers: auth(desk!.tech.token) });
  assert.is(seenByTech.body.data.length, 2);
  const detail = await call(api!.baseUrl, `/api/v1/tickets/${mine.id}`, { headers: auth(desk!.alice.token) });
  assert.not.match(JSON.stringify(detail.body), /VIP/);
});

test('a stale If-Match is 412 and changes nothing', async ({ api, desk }) => {
  const ticket = await raise(api!, desk!.alice.token);
  const ok = await call<Ticket>(api!.baseUrl, `/api/v1/tickets/${ticket.id}`, { method: 'PATCH', headers: { ...auth(desk!.tech.token), 'If-Match': `"${ticket.version}"` }, json: { title: 'Printer smoking' } });
  assert.is(ok.status, 200);
  const stale = await call(api!.baseUrl, `/api/v1/tickets/${ticket.id}`, { method: 'PATCH', headers: { ...auth(desk!.tech.token), 'If-Match': `"${ticket.version}"` }, json: { title: 'Other' } });
  assert.is(stale.status, 412);
  const now = await call<Ticket>(api!.baseUrl, `/api/v1/tickets/${ticket.id}`, { headers: auth(desk!.tech.token) });
  assert.is(now.body.title, 'Printer smoking');
});

test('50 concurrent starts of one ticket append one event', async ({ api, desk }) => {
  const ticket = await raise(api!, desk!.alice.token);
  await act(api!, desk!.manager.token, ticket.id, 'assign', { assigneeId: desk!.tech.id });
  const answers = await Promise.all(Array.from({ length: 50 }, () => act(api!, desk!.tech.token, ticket.id, 'start')));
  const statuses = answers.map((answer) => answer.status);
  assert.is(statuses.filter((status) => status === 200).length, 1, statuses.join(','));
  assert.ok(statuses.every((status) => status === 200 || status === 409), statuses.join(','));
  const events = await api!.system.store.readStream(`ticket-${ticket.id}`);
  assert.is(events.filter((event) => event.type === 'TicketWorkStarted').length, 1);
});

test('20 concurrent creates take 20 consecutive numbers', async ({ api, desk }) => {
  const created = await Promise.all(Array.from({ length: 20 }, () => raise(api!, desk!.tech.token, { type: 'problem', title: 'Recurring outage' })));
  const numbers = created.map((ticket) => Number(ticket.number.slice(4))).sort((a, b) => a - b);
  assert.equal(numbers, Array.from({ length: 20 }, (_, i) => numbers[0]! + i));
  assert.ok(created.every((ticket) => ticket.number.startsWith('PRB-')));
});

test('a change starts only once every approver has approved; a rejection stops it', async ({ api, desk }) => {
  const change = await raise(api!, desk!.tech.token, { type: 'change', title: 'Upgrade core switch', risk: 'high', plannedStart: '2026-12-01T22:00:00Z', plannedEnd: '2026-12-02T02:00:00Z' });
  assert.is((await act(api!, desk!.tech.token, change.id, 'start')).status, 409);
  const requested = await act(api!, desk!.tech.token, change.id, 'approvals', { approverIds: [desk!.manager.id, desk!.admin.id] });
  assert.is(requested.body.approvals.length, 2);
  assert.is((await act(api!, desk!.tech.token, change.id, 'approve', { comment: 'me too' })).status, 403, 'not an approver');
  await act(api!, desk!.manager.token, change.id, 'approve', { comment: 'ok' });
  assert.is((await act(api!, desk!.tech.token, change.id, 'start')).status, 409, 'one approval still missing');
  await act(api!, desk!.admin.token, change.id, 'approve', { comment: 'go' });
  assert.is((await act(api!, desk!.tech.token, change.id, 'start')).body.status, 'in_progress');

  const rejected = await raise(api!, desk!.tech.token, { type: 'change', title: 'Risky change' });
  await act(api!, desk!.tech.token, rejected.id, 'approvals', { approverIds: [desk!.manager.id] });
  assert.is((await act(api!, desk!.manager.token, rejected.id, 'reject', {})).status, 400, 'a rejection needs a comment');
  await act(api!, desk!.manager.token, rejected.id, 'reject', { comment: 'not this week' });
  assert.is((await act(api!, desk!.tech.token, rejected.id, 'start')).status, 409);
});

test('links an incident to its problem and unlinks it', async ({ api, desk }) => {
  const incident = await raise(api!, desk!.alice.token);
  const problem = await raise(api!, desk!.tech.token, { type: 'problem', title: 'Fuser batch defect' });
  const linked = await act(api!, desk!.tech.token, incident.id, 'links', { targetId: problem.id, kind: 'caused_by' });
  assert.is(linked.status, 201);
  const link = linked.body.links[0]!;
  assert.equal([link.kind, link.targetId], ['caused_by', problem.id]);
  assert.is((await act(api!, desk!.tech.token, problem.id, 'links', { targetId: incident.id, kind: 'caused_by' })).status, 400, 'a problem is not caused by an incident');
  const unlinked = await call<Ticket>(api!.baseUrl, `/api/v1/tickets/${incident.id}/links/${link.id}`, { method: 'DELETE', headers: auth(desk!.tech.token) });
  assert.equal(unlinked.body.links, []);
});

test('soft delete hides a ticket from lists and reads; restore brings it back; the history stays', async ({ api, desk }) => {
  const ticket = await raise(api!, desk!.alice.token);
  assert.is((await call(api!.baseUrl, `/api/v1/tickets/${ticket.id}`, { method: 'DELETE', headers: auth(desk!.tech.token) })).status, 403);
  assert.is((await call(api!.baseUrl, `/api/v1/tickets/${ticket.id}`, { method: 'DELETE', headers: auth(desk!.manager.token) })).status, 204);
  assert.is((await call(api!.baseUrl, `/api/v1/tickets/${ticket.id}`, { headers: auth(desk!.manager.token) })).status, 404);
  const list = await call<{ data: Ticket[] }>(api!.baseUrl, '/api/v1/tickets?limit=100', { headers: auth(desk!.manager.token) });
  assert.not.ok(list.body.data.some((item) => item.id === ticket.id));
  const restored = await act(api!, desk!.manager.token, ticket.id, 'restore');
  assert.equal([restored.status, restored.body.id], [200, ticket.id]);
  const history = await api!.system.store.readStream(`ticket-${ticket.id}`);
  // The tenant's starter SLA policy applies at opening, in the same append.
  assert.equal(history.map((event) => event.type), ['TicketOpened', 'TicketSlaApplied', 'TicketDeleted', 'TicketRestored']);
});

test('filters, sorts, pages and counts', async ({ api, desk }) => {
  const tagged = await raise(api!, desk!.tech.token, { title: 'VPN down', impact: 'high', urgency: 'high', tags: ['VPN', 'network'] });
  const byTag = await call<{ data: Ticket[] }>(api!.baseUrl, '/api/v1/tickets?tag=vpn', { headers: auth(desk!.tech.token) });
  assert.equal(byTag.body.data.map((t) => t.id), [tagged.id]);
  const p1 = await call<{ data: Ticket[]; total: number }>(api!.baseUrl, '/api/v1/tickets?priority=P1&count=true', { headers: auth(desk!.tech.token) });
  assert.ok(p1.body.data.every((t) => t.priority === 'P1'));
  assert.is(p1.body.total, p1.body.data.length);
  const all = await call<{ data: Ticket[]; total: number }>(api!.baseUrl, '/api/v1/tickets?count=true&limit=100&sort=createdAt', { headers: auth(desk!.tech.token) });
  const pages: string[] = [];
  let cursor: string | null = null;
  do {
    const path: string = `/api/v1/tickets?limit=7&sort=createdAt${cursor ? `&cursor=${cursor}` : ''}`;
    const page = await call<{ data: Ticket[]; nextCursor: string | null }>(api!.baseUrl, path, { headers: auth(desk!.tech.token) });
    pages.push(...page.body.data.map((t) => t.id));
    cursor = page.body.nextCursor;
  } while (cursor);
  assert.equal(pages, all.body.data.map((t) => t.id));
  assert.is(all.body.total, pages.length);
  const statuses = await call<{ data: Ticket[] }>(api!.baseUrl, '/api/v1/tickets?status=new,assigned&type=incident', { headers: auth(desk!.tech.token) });
  assert.ok(statuses.body.data.every((t) => ['new', 'assigned'].includes(t.status) && t.type === 'incident'));
  assert.is((await call(api!.baseUrl, '/api/v1/tickets?status=bogus', { headers: auth(desk!.tech.token) })).status, 400);
  assert.is((await call(api!.baseUrl, '/api/v1/tickets?sort=title', { headers: auth(desk!.tech.token) })).status, 400);
  assert.is((await call(api!.baseUrl, '/api/v1/tickets?createdFrom=0000-01-01T00:00:00Z', { headers: auth(desk!.tech.token) })).status, 400);
  // Forged cursors (right length, wrong content) are 400s, never a database error.
  const forge = (values: unknown[]) => Buffer.from(JSON.stringify(values)).toString('base64url');
  for (const [sort, values] of [['-createdAt', ['yesterday', tagged.id]], ['-createdAt', [new Date().toISOString(), 'not-a-uuid']], ['priority', ['P9', tagged.id]], ['-updatedAt', [42, tagged.id]]] as const) {
    const forged = await call(api!.baseUrl, `/api/v1/tickets?sort=${sort}&cursor=${forge([...values])}`, { headers: auth(desk!.tech.token) });
    assert.is(forged.status, 400, `${sort} ${JSON.stringify(values)}`);
  }
  assert.is((await call(api!.baseUrl, `/api/v1/users?cursor=${forge(['Ann', 'x'])}`, { headers: auth(desk!.admin.token) })).status, 400);
});

test('refuses bad input with field errors and appends nothing', async ({ api, desk }) => {
  const before = await api!.system.store.committedHeadPosition();
  const bad = await call<{ errors: Array<{ path: string }> }>(api!.baseUrl, '/api/v1/tickets', { method: 'POST', headers: auth(desk!.alice.token), json: { type: 'incident', title: '', impact: 'huge', urgency: 'high' } });
  assert.is(bad.status, 400);
  assert.ok(bad.body.errors.some((error) => error.path === '/impact'));
  const smuggled = await call(api!.baseUrl, '/api/v1/tickets', { method: 'POST', headers: auth(desk!.alice.token), json: { type: 'incident', title: 'x', impact: 'low', urgency: 'low', status: 'closed' } });
  assert.is(smuggled.status, 400);
  const empty = await call(api!.baseUrl, '/api/v1/tickets', { method: 'POST', headers: auth(desk!.alice.token), json: { type: 'incident', title: '   ', impact: 'low', urgency: 'low' } });
  assert.is(empty.status, 400);
  const notChange = await call(api!.baseUrl, '/api/v1/tickets', { method: 'POST', headers: auth(desk!.tech.token), json: { type: 'incident', title: 'x', impact: 'low', urgency: 'low', risk: 'high' } });
  assert.is(notChange.status, 400);
  assert.equal(await api!.system.store.committedHeadPosition(), before);
});

test('a manager overrides the priority with a reason; a technician may not', async ({ api, desk }) => {
  const ticket = await raise(api!, desk!.alice.token);
  assert.is((await act(api!, desk!.tech.token, ticket.id, 'priority', { priority: 'P1', reason: 'CEO' })).status, 403);
  const overridden = await act(api!, desk!.manager.token, ticket.id, 'priority', { priority: 'P1', reason: 'CEO printer' });
  assert.equal([overridden.body.priority, overridden.body.priorityOverridden], ['P1', true]);
});

test('bulk: each ticket gets its own result; another tenant\'s ids are 404 lines; at most 500', async ({ api, desk }) => {
  const a = await raise(api!, desk!.alice.token);
  const b = await raise(api!, desk!.alice.token);
  await act(api!, desk!.manager.token, b.id, 'cancel', { reason: 'duplicate' });
  const other = await setUpDesk(api!);
  const foreign = await raise(api!, other.alice.token);
  const answer = await call<{ results: Array<{ id: string; status: number; problem?: Problem }>; succeeded: number; failed: number }>(api!.baseUrl, '/api/v1/tickets/bulk', {
    method: 'POST',
    headers: auth(desk!.manager.token),
    json: { ids: [a.id, b.id, foreign.id], action: 'assign', params: { assigneeId: desk!.tech.id } },
  });
  assert.is(answer.status, 200);
  assert.equal(answer.body.results.map((r) => [r.id, r.status]), [[a.id, 200], [b.id, 409], [foreign.id, 404]]);
  assert.equal([answer.body.succeeded, answer.body.failed], [1, 2]);
  assert.is((await call<Ticket>(api!.baseUrl, `/api/v1/tickets/${a.id}`, { headers: auth(desk!.tech.token) })).body.assigneeId, desk!.tech.id);
  const tooMany = Array.from({ length: 501 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
  assert.is((await call(api!.baseUrl, '/api/v1/tickets/bulk', { method: 'POST', headers: auth(desk!.manager.token), json: { ids: tooMany, action: 'start' } })).status, 400);
  assert.is((await call(api!.baseUrl, '/api/v1/tickets/bulk', { method: 'POST', headers: auth(desk!.tech.token), json: { ids: [a.id], action: 'start' } })).status, 403);
});

test('resolving a problem can resolve the incidents it caused, each with its own result', async ({ api, desk }) => {
  const problem = await raise(api!, desk!.tech.token, { type: 'problem', title: 'Bad DHCP lease time' });
  const working = await raise(api!, desk!.alice.token, { title: 'No network in room 1' });
  const untouched = await raise(api!, desk!.bob.token, { title: 'No network in room 2' });
  for (const incident of [working, untouched]) await act(api!, desk!.tech.token, incident.id, 'links', { targetId: problem.id, kind: 'caused_by' });
  await act(api!, desk!.tech.token, working.id, 'start');
  await act(api!, desk!.tech.token, problem.id, 'start');
  const resolved = await act(api!, desk!.tech.token, problem.id, 'resolve', { code: 'fixed', notes: 'Lease time corrected', resolveLinkedIncidents: true });
  assert.is(resolved.status, 200);
  const lines = resolved.body.linkedIncidents as Array<{ id: string; status: number }>;
  // An incident nobody started is resolved with its problem too: every open linked incident is.
  assert.equal(lines.map((line) => [line.id, line.status]), [[working.id, 200], [untouched.id, 200]]);
  const now = await call<Ticket>(api!.baseUrl, `/api/v1/tickets/${working.id}`, { headers: auth(desk!.alice.token) });
  assert.equal([now.body.status, now.body.resolution], ['resolved', { code: 'problem_resolved', notes: `Resolved with problem ${problem.number}` }]);
});

test('refuses a category or service the tenant does not offer', async ({ api, desk }) => {
  const bogus = '00000000-0000-4000-8000-0000000000aa';
  const answer = await call<{ errors: Array<{ path: string }> }>(api!.baseUrl, '/api/v1/tickets', { method: 'POST', headers: auth(desk!.alice.token), json: { type: 'incident', title: 'x', impact: 'low', urgency: 'low', categoryId: bogus, serviceId: bogus } });
  assert.is(answer.status, 400);
  assert.equal(answer.body.errors.map((e) => e.path), ['/categoryId', '/serviceId']);
  const category = await call<{ id: string }>(api!.baseUrl, '/api/v1/categories', { method: 'POST', headers: auth(desk!.admin.token), json: { name: 'Hardware' } });
  assert.is(category.status, 201, JSON.stringify(category.body));
  const ok = await raise(api!, desk!.alice.token, { categoryId: category.body.id });
  assert.is(ok.categoryId, category.body.id);
});

test('merging a duplicate carries its conversation and watchers to the master and closes it with a link', async ({ api, desk }) => {
  const master = await raise(api!, desk!.alice.token, { title: 'Email is down' });
  const duplicate = await raise(api!, desk!.bob.token, { title: 'Cannot send email' });
  await act(api!, desk!.bob.token, duplicate.id, 'comments', { body: 'Outlook says offline' });
  await act(api!, desk!.tech.token, duplicate.id, 'comments', { body: 'Same root cause as the other one', internal: true });
  const merged = await act(api!, desk!.tech.token, duplicate.id, 'merge', { masterId: master.id });
  assert.is(merged.status, 200, JSON.stringify(merged.body));
  assert.is(merged.body.status, 'closed');
  assert.equal(merged.body.links.map((link) => [link.kind, link.targetId]), [['duplicate_of', master.id]]);
  const after = await call<Ticket & { watcherIds: string[] }>(api!.baseUrl, `/api/v1/tickets/${master.id}`, { headers: auth(desk!.tech.token) });
  assert.ok(after.body.watcherIds.includes(desk!.bob.id), 'the duplicate\'s requester now watches the master');
  const agentView = await call<{ data: Array<{ body: string; internal: boolean }> }>(api!.baseUrl, `/api/v1/tickets/${master.id}/comments`, { headers: auth(desk!.tech.token) });
  assert.equal(agentView.body.data.map((c) => [c.body, c.internal]), [['Outlook says offline', false], ['Same root cause as the other one', true]]);
  const aliceView = await call<{ data: Array<{ body: string }> }>(api!.baseUrl, `/api/v1/tickets/${master.id}/comments`, { headers: auth(desk!.alice.token) });
  assert.equal(aliceView.body.data.map((c) => c.body), ['Outlook says offline'], 'internal notes stay internal after a merge');
  const masterEvents = await api!.system.store.readStream(`ticket-${master.id}`);
  assert.ok(masterEvents.filter((e) => e.type === 'TicketCommented').every((e) => e.data.carriedFrom === duplicate.id));
  assert.is((await act(api!, desk!.alice.token, master.id, 'merge', { masterId: duplicate.id })).status, 403, 'requesters do not merge');
  assert.is((await act(api!, desk!.tech.token, master.id, 'merge', { masterId: master.id })).status, 409, 'a ticket is not merged into itself');
});

test('splitting moves chosen comments into a new ticket for the same requester', async ({ api, desk }) => {
  const original = await raise(api!, desk!.alice.token, { title: 'Laptop slow and printer broken' });
  const keep = await act(api!, desk!.alice.token, original.id, 'comments', { body: 'Laptop takes 10 minutes to boot' });
  const move = await act(api!, desk!.alice.token, original.id, 'comments', { body: 'Also the printer on 3 is broken' });
  const split = await act(api!, desk!.tech.token, original.id, 'split', { commentIds: [move.body.id], title: 'Printer on 3 broken' });
  assert.is(split.status, 201, JSON.stringify(split.body));
  assert.equal([split.body.title, split.body.requesterId], ['Printer on 3 broken', desk!.alice.id]);
  assert.equal(split.body.links.map((link) => [link.kind, link.targetId]), [['relates_to', original.id]]);
  const moved = await call<{ data: Array<{ body: string }> }>(api!.baseUrl, `/api/v1/tickets/${split.body.id}/comments`, { headers: auth(desk!.alice.token) });
  assert.equal(moved.body.data.map((c) => c.body), ['Also the printer on 3 is broken']);
  const left = await call<{ data: Array<{ id: string }> }>(api!.baseUrl, `/api/v1/tickets/${original.id}/comments`, { headers: auth(desk!.alice.token) });
  assert.equal(left.body.data.map((c) => c.id), [keep.body.id]);
  const history = await api!.system.store.readStream(`ticket-${original.id}`);
  assert.ok(history.some((e) => e.type === 'TicketCommented' && e.data.body === 'Also the printer on 3 is broken'), 'the history keeps the moved comment');
  assert.is((await act(api!, desk!.tech.token, original.id, 'split', { commentIds: ['00000000-0000-4000-8000-000000000001'] })).status, 400);
});

test('a retried create with the same Idempotency-Key returns the first ticket and opens no second one', async ({ api, desk }) => {
  const key = `create-${Date.now()}`;
  const body = { type: 'service_request', title: 'New laptop', impact: 'low', urgency: 'low' };
  const first = await call<Ticket>(api!.baseUrl, '/api/v1/tickets', { method: 'POST', headers: { ...auth(desk!.alice.token), 'Idempotency-Key': key }, json: body });
  const again = await call<Ticket>(api!.baseUrl, '/api/v1/tickets', { method: 'POST', headers: { ...auth(desk!.alice.token), 'Idempotency-Key': key }, json: body });
  assert.equal([first.status, again.status], [201, 201]);
  assert.is(again.body.id, first.body.id);
  assert.is(again.headers.get('idempotent-replayed'), 'true');
  const other = await call(api!.baseUrl, '/api/v1/tickets', { method: 'POST', headers: { ...auth(desk!.alice.token), 'Idempotency-Key': key }, json: { ...body, title: 'Two laptops' } });
  assert.is(other.status, 422);
  const mine = await call<{ data: Ticket[] }>(api!.baseUrl, '/api/v1/tickets?type=service_request&limit=100', { headers: auth(desk!.alice.token) });
  assert.is(mine.body.data.filter((ticket) => ticket.title === 'New laptop').length, 1);
});

test.run();
