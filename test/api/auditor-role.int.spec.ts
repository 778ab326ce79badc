import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { JsonResponse, RunningApi } from '../support/api.js';
import { call, startApi } from '../support/api.js';
import { createArticle } from '../support/article-fixtures.js';
import type { TenantFixture } from '../support/identity-fixtures.js';
import { bearer, expectStatus, login, setUpTenant, strongPassword, uniqueSuffix } from '../support/identity-fixtures.js';

/**
 * The auditor: reads everything an agent reads in their tenant, internal notes and history
 * included, travels back in time and verifies the chains; changes nothing.
 */

interface TicketView {
  readonly id: string;
  readonly title: string;
  readonly status: string;
  readonly version: number;
  readonly assigneeId: string | null;
}
interface Comment {
  readonly body: string;
  readonly internal: boolean;
}
interface HistoryEntry {
  readonly type: string;
  readonly revision: number;
}

/** A word only the internal note holds, unique to this run. */
const NOTE_WORD = `zqnote${uniqueSuffix()}`;

const test = suite<{ api?: RunningApi; a?: TenantFixture; b?: TenantFixture; ticket?: string }>('the auditor role', {});

test.before(async (context) => {
  context.api = await startApi({ environment: { LOGIN_LIMIT_PER_ADDRESS: '10000', RATE_LIMIT_PER_MINUTE: '100000', READ_YOUR_WRITES_TIMEOUT_MS: '10000' } });
  [context.a, context.b] = await Promise.all([setUpTenant(context.api.baseUrl, 'Auditor A'), setUpTenant(context.api.baseUrl, 'Auditor B')]);
  // Given a requester's ticket a technician has worked, with a public reply and an internal note.
  const base = context.api.baseUrl;
  const a = context.a;
  const raised = expectStatus(
    await call<{ id: string }>(base, '/api/v1/tickets', { method: 'POST', headers: as(a, 'user'), json: { type: 'incident', title: 'VPN drops', description: 'Every hour', impact: 'medium', urgency: 'high' } }),
    201,
    'raising a ticket',
  );
  const id = raised.body.id;
  expectStatus(await call(base, `/api/v1/tickets/${id}/assign`, { method: 'POST', headers: as(a, 'technician'), json: { assigneeId: a.sessions.technician.id } }), 200, 'taking the ticket');
  expectStatus(await call(base, `/api/v1/tickets/${id}/comments`, { method: 'POST', headers: as(a, 'technician'), json: { body: 'Can you send the client log?' } }), 201, 'replying');
  expectStatus(await call(base, `/api/v1/tickets/${id}/comments`, { method: 'POST', headers: as(a, 'technician'), json: { body: `Concentrator ${NOTE_WORD} is two releases behind.`, internal: true } }), 201, 'noting internally');
  context.ticket = id;
});
test.after(async (context) => {
  await context.api?.close();
});

const as = (tenant: TenantFixture, role: keyof TenantFixture['sessions'] = 'auditor') => bearer(tenant.sessions[role].accessToken);

async function readTicket(base: string, tenant: TenantFixture, id: string): Promise<TicketView> {
  return expectStatus(await call<TicketView>(base, `/api/v1/tickets/${id}`, { headers: as(tenant, 'admin') }), 200, 'reading the ticket as the admin').body;
}

function assertRefused(response: JsonResponse, what: string): void {
  assert.is(response.status, 403, `${what}: ${response.status} ${JSON.stringify(response.body)}`);
  assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/);
}

test('the auditor reads the ticket, its internal notes and its whole history', async ({ api, a, ticket }) => {
  const base = api!.baseUrl;
  const read = await call<TicketView>(base, `/api/v1/tickets/${ticket!}`, { headers: as(a!) });
  assert.is(read.status, 200, JSON.stringify(read.body));
  assert.equal([read.body.title, read.body.assigneeId], ['VPN drops', a!.sessions.technician.id]);

  const comments = expectStatus(await call<{ data: Comment[] }>(base, `/api/v1/tickets/${ticket!}/comments`, { headers: as(a!) }), 200, 'reading the comments').body.data;
  assert.equal(
    comments.map((comment) => [comment.body, comment.internal]),
    [
      ['Can you send the client log?', false],
      [`Concentrator ${NOTE_WORD} is two releases behind.`, true],
    ],
  );
  // The requester, for contrast, never sees the note.
  const requesterView = expectStatus(await call<{ data: Comment[] }>(base, `/api/v1/tickets/${ticket!}/comments`, { headers: as(a!, 'user') }), 200, 'reading as the requester').body.data;
  assert.equal(requesterView.map((comment) => comment.internal), [false]);

  const history = expectStatus(await call<{ data: HistoryEntry[] }>(base, `/api/v1/tickets/${ticket!}/history`, { headers: as(a!) }), 200, 'reading the history').body.data;
  const adminHistory = expectStatus(await call<{ data: HistoryEntry[] }>(base, `/api/v1/tickets/${ticket!}/history`, { headers: as(a!, 'admin') }), 200, "reading the admin's history").body.data;
  assert.equal(history, adminHistory, 'the auditor sees every event an admin sees');
  assert.is(history.filter((entry) => entry.type === 'TicketCommented').length, 2);
});

test('the auditor finds a ticket by the words of its internal note; the requester does not', async ({ api, a, ticket }) => {
  const base = api!.baseUrl;
  const found = (role: 'auditor' | 'user') => call<{ data: Array<{ id: string }> }>(base, `/api/v1/search?q=${NOTE_WORD}`, { headers: as(a!, role) });
  const forAuditor = await found('auditor');
  assert.is(forAuditor.status, 200, JSON.stringify(forAuditor.body));
  assert.equal(forAuditor.body.data.map((hit) => hit.id), [ticket!]);
  assert.equal((await found('user')).body.data, []);
});

test('the auditor travels back to an earlier version and verifies the chain', async ({ api, a, ticket }) => {
  const base = api!.baseUrl;
  const history = expectStatus(await call<{ data: HistoryEntry[] }>(base, `/api/v1/tickets/${ticket!}/history`, { headers: as(a!) }), 200, 'reading the history').body.data;
  const first = await call<TicketView>(base, `/api/v1/tickets/${ticket!}?asOfVersion=${history[0]!.revision}`, { headers: as(a!) });
  assert.is(first.status, 200, JSON.stringify(first.body));
  assert.equal([first.body.status, first.body.assigneeId], ['new', null]);
  const today = await call<TicketView>(base, `/api/v1/tickets/${ticket!}?asOf=${encodeURIComponent(new Date().toISOString())}`, { headers: as(a!) });
  assert.is(today.status, 200, JSON.stringify(today.body));
  assert.is(today.body.assigneeId, a!.sessions.technician.id);

  const verified = await call<{ intact: boolean; events: number }>(base, `/api/v1/audit/verify?stream=ticket-${ticket!}`, { headers: as(a!) });
  assert.is(verified.status, 200, JSON.stringify(verified.body));
  assert.ok(verified.body.intact);
  assert.ok(verified.body.events >= 4, `${verified.body.events} events`);
  // Exporting the log stays the admin's.
  assertRefused(await call(base, '/api/v1/audit/events', { headers: as(a!) }), 'exporting the log');
});

test('the auditor changes nothing: raising, commenting, assigning and editing an article are refused and append nothing', async ({ api, a, ticket }) => {
  const base = api!.baseUrl;
  const before = await readTicket(base, a!, ticket!);

  assertRefused(await call(base, '/api/v1/tickets', { method: 'POST', headers: as(a!), json: { type: 'incident', title: 'Audit finding', impact: 'low', urgency: 'low' } }), 'raising a ticket');
  assertRefused(await call(base, `/api/v1/tickets/${ticket!}/comments`, { method: 'POST', headers: as(a!), json: { body: 'Looks fine to me' } }), 'commenting publicly');
  assertRefused(await call(base, `/api/v1/tickets/${ticket!}/comments`, { method: 'POST', headers: as(a!), json: { body: 'Noted', internal: true } }), 'noting internally');
  assertRefused(await call(base, `/api/v1/tickets/${ticket!}/assign`, { method: 'POST', headers: as(a!), json: { assigneeId: a!.sessions.manager.id } }), 'assigning');
  assertRefused(await call(base, `/api/v1/tickets/${ticket!}/assign`, { method: 'POST', headers: as(a!), json: { assigneeId: a!.sessions.auditor.id } }), 'taking the ticket');
  assertRefused(await call(base, `/api/v1/tickets/${ticket!}/watchers`, { method: 'POST', headers: as(a!), json: { userId: a!.sessions.auditor.id } }), 'watching the ticket');
  assertRefused(await call(base, `/api/v1/tickets/${ticket!}`, { method: 'PATCH', headers: as(a!), json: { title: 'Audited' } }), 'editing the ticket');

  const after = await readTicket(base, a!, ticket!);
  assert.equal(after, before, 'no refused call moved the ticket');

  // Drafts are readable, but neither they nor published articles take the auditor's edits or votes.
  const draft = await createArticle(base, a!.sessions.admin.accessToken, 'draft');
  const readDraft = await call<{ version: number }>(base, `/api/v1/articles/${draft.id}`, { headers: as(a!) });
  assert.is(readDraft.status, 200, JSON.stringify(readDraft.body));
  assertRefused(await call(base, `/api/v1/articles/${draft.id}`, { method: 'PATCH', headers: as(a!), json: { title: 'Audited title' } }), 'editing an article');
  assertRefused(await call(base, `/api/v1/articles/${draft.id}/submit`, { method: 'POST', headers: as(a!) }), 'submitting an article');
  const published = await createArticle(base, a!.sessions.admin.accessToken, 'published');
  assertRefused(await call(base, `/api/v1/articles/${published.id}/feedback`, { method: 'POST', headers: as(a!), json: { helpful: true } }), 'voting on an article');
  assertRefused(await call(base, `/api/v1/articles/${published.id}/comments`, { method: 'POST', headers: as(a!), json: { body: 'Audited' } }), 'commenting on an article');
  const unchanged = expectStatus(await call<{ version: number; title: string }>(base, `/api/v1/articles/${draft.id}`, { headers: as(a!, 'admin') }), 200, 'reading the draft again').body;
  assert.equal([unchanged.version, unchanged.title], [draft.version, draft.title]);
});

test("the auditor's own account stays theirs: /me and their password", async ({ api, a }) => {
  const base = api!.baseUrl;
  const auditor = a!.sessions.auditor;
  const me = await call<{ role: string; id: string }>(base, '/api/v1/me', { headers: as(a!) });
  assert.is(me.status, 200);
  assert.equal([me.body.id, me.body.role], [auditor.id, 'auditor']);
  const newPassword = strongPassword();
  const changed = await call(base, '/api/v1/auth/password', { method: 'POST', headers: as(a!), json: { currentPassword: auditor.password, newPassword } });
  assert.is(changed.status, 204, JSON.stringify(changed.body));
  auditor.password = newPassword;
  await login(base, a!.slug, auditor.email, newPassword);
});

test("another tenant's auditor finds neither the ticket nor its history", async ({ api, b, ticket }) => {
  const base = api!.baseUrl;
  for (const path of [`/api/v1/tickets/${ticket!}`, `/api/v1/tickets/${ticket!}/comments`, `/api/v1/tickets/${ticket!}/history`, `/api/v1/tickets/${ticket!}?asOfVersion=1`, `/api/v1/audit/verify?stream=ticket-${ticket!}`]) {
    const response = await call(base, path, { headers: as(b!) });
    assert.is(response.status, 404, `${path}: ${response.status} ${JSON.stringify(response.body)}`);
  }
});

test('an admin makes someone an auditor and back', async ({ api, a }) => {
  const base = api!.baseUrl;
  const technician = a!.sessions.technician;
  const promoted = await call<{ role: string }>(base, `/api/v1/users/${a!.member.id}`, { method: 'PATCH', headers: as(a!, 'admin'), json: { role: 'auditor' } });
  assert.is(promoted.status, 200, JSON.stringify(promoted.body));
  assert.is(promoted.body.role, 'auditor');
  const listed = expectStatus(await call<{ data: Array<{ id: string }> }>(base, '/api/v1/users?role=auditor', { headers: as(a!, 'admin') }), 200, 'listing auditors').body.data;
  assert.equal(new Set(listed.map((user) => user.id)), new Set([a!.sessions.auditor.id, technician.id]));
  // A manager may not hand out the role.
  assertRefused(await call(base, `/api/v1/users/${a!.subject.id}`, { method: 'PATCH', headers: as(a!, 'manager'), json: { role: 'auditor' } }), 'a manager making an auditor');
  expectStatus(await call(base, `/api/v1/users/${technician.id}`, { method: 'PATCH', headers: as(a!, 'admin'), json: { role: 'technician' } }), 200, 'making them a technician again');
});

test.run();
