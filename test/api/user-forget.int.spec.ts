import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { RunningApi } from '../support/api.js';
import { call, startApi } from '../support/api.js';
import type { Account, TenantFixture } from '../support/identity-fixtures.js';
import { bearer, createUser, expectStatus, login, setUpTenant } from '../support/identity-fixtures.js';

interface UserBody {
  readonly id: string;
  readonly name: string;
  readonly email: string;
  readonly status: string;
}
interface HistoryBody {
  readonly data: Array<{ readonly type: string; readonly actor: { readonly id: string; readonly name: string | null } | null }>;
}

interface OutboxRow {
  readonly recipientUserId: string;
  readonly recipientEmail: string;
  readonly state: string;
}

const test = suite<{ api?: RunningApi; a?: TenantFixture; b?: TenantFixture }>('forgetting a user over HTTP (crypto-shredding)', {});

test.before(async (context) => {
  context.api = await startApi({ environment: { LOGIN_LIMIT_PER_ADDRESS: '10000', RATE_LIMIT_PER_MINUTE: '100000', READ_YOUR_WRITES_TIMEOUT_MS: '10000' } });
  [context.a, context.b] = await Promise.all([setUpTenant(context.api.baseUrl, 'Forget A'), setUpTenant(context.api.baseUrl, 'Forget B')]);
});
test.after(async (context) => {
  await context.api?.close();
});

const as = (tenant: TenantFixture, role: keyof TenantFixture['sessions'] = 'admin') => bearer(tenant.sessions[role].accessToken);

/** A requester who raised a ticket and commented on it; the technician answered. */
async function requesterWithTicket(base: string, tenant: TenantFixture): Promise<{ person: Account; token: string; ticketId: string }> {
  const person = await createUser(base, tenant.sessions.admin.accessToken, 'user', 'leaver');
  const { accessToken } = await login(base, tenant.slug, person.email, person.password);
  const opened = expectStatus(
    await call<{ id: string }>(base, '/api/v1/tickets', { method: 'POST', headers: bearer(accessToken), json: { type: 'incident', title: 'Laptop fan loud', description: 'Since Monday', impact: 'low', urgency: 'low' } }),
    201,
    'raising',
  );
  expectStatus(await call(base, `/api/v1/tickets/${opened.body.id}/comments`, { method: 'POST', headers: bearer(accessToken), json: { body: 'Still loud' } }), 201, 'requester comment');
  expectStatus(await call(base, `/api/v1/tickets/${opened.body.id}/comments`, { method: 'POST', headers: as(tenant, 'technician'), json: { body: 'Ordering a new fan' } }), 201, 'technician reply');
  return { person, token: accessToken, ticketId: opened.body.id };
}

const forget = (base: string, id: string, headers: Record<string, string>) => call<UserBody>(base, `/api/v1/users/${id}/forget`, { method: 'POST', headers });
const mentions = (body: unknown, person: Account) => {
  const text = JSON.stringify(body);
  return text.includes(person.name) || text.includes(person.email);
};

test('when an admin forgets a user, then users, ticket history and the audit export no longer show their name or email, and the chains verify', async ({ api, a }) => {
  const base = api!.baseUrl;
  const { person, ticketId } = await requesterWithTicket(base, a!);
  const technician = a!.sessions.technician;
  const before = await call<HistoryBody>(base, `/api/v1/tickets/${ticketId}/history`, { headers: as(a!) });
  assert.ok(mentions(before.body, person), 'named in history before');
  const outbox = async () => (await call<{ data: OutboxRow[] }>(base, '/api/v1/notifications/outbox?limit=100', { headers: as(a!) })).body.data.filter((row) => row.recipientUserId === person.id);
  const mailed = await outbox();
  assert.ok(mailed.length > 0 && mailed.every((row) => row.recipientEmail === person.email), 'the technician’s reply was mailed to them');

  const forgotten = await forget(base, person.id, as(a!));
  assert.is(forgotten.status, 200, JSON.stringify(forgotten.body));
  assert.is(forgotten.body.name, '[forgotten]');
  assert.is(forgotten.body.email, `forgotten-${person.id}@forgotten.invalid`);
  assert.is(forgotten.body.status, 'deactivated');

  const shown = await call<UserBody>(base, `/api/v1/users/${person.id}`, { headers: as(a!) });
  assert.is(shown.status, 200);
  assert.not.ok(mentions(shown.body, person), JSON.stringify(shown.body));
  const list = await call(base, '/api/v1/users?limit=100', { headers: as(a!) });
  assert.not.ok(mentions(list.body, person), 'not in the list');
  assert.ok(JSON.stringify(list.body).includes(technician.name), 'other users keep their names');

  const history = await call<HistoryBody>(base, `/api/v1/tickets/${ticketId}/history`, { headers: as(a!) });
  assert.is(history.status, 200);
  assert.not.ok(mentions(history.body, person), JSON.stringify(history.body));
  const actors = history.body.data.flatMap((entry) => (entry.actor ? [entry.actor] : []));
  assert.ok(actors.some((actor) => actor.id === person.id && actor.name === '[forgotten]'), 'their acts remain, unnamed');
  assert.ok(actors.some((actor) => actor.id === technician.id && actor.name === technician.name), 'the technician is still named');

  for (const stream of [`user-${person.id}`, `ticket-${ticketId}`]) {
    const verification = await call<{ intact: boolean }>(base, `/api/v1/audit/verify?stream=${stream}`, { headers: as(a!) });
    assert.is(verification.status, 200);
    assert.is(verification.body.intact, true, `${stream}: ${JSON.stringify(verification.body)}`);
  }
  await api!.system.anchoring.anchorOnce();
  const tenantWide = await call<{ intact: boolean; streamsChecked: number }>(base, '/api/v1/audit/verify', { headers: as(a!) });
  assert.is(tenantWide.body.intact, true, JSON.stringify(tenantWide.body));
  assert.ok(tenantWide.body.streamsChecked > 0);

  const scrubbed = await outbox();
  assert.is(scrubbed.length, mailed.length);
  assert.not.ok(mentions(scrubbed, person), JSON.stringify(scrubbed));
  assert.ok(scrubbed.every((row) => row.state !== 'pending'), 'mail not yet sent is never sent');

  const exported = await call<{ data: unknown[] }>(base, '/api/v1/audit/events?limit=1000', { headers: as(a!) });
  assert.is(exported.status, 200);
  assert.not.ok(mentions(exported.body, person), 'not in the audit export');
  assert.ok(JSON.stringify(exported.body).includes(technician.name), 'the export still names others');
});

test('comments and history summaries name people, and a forgotten one as [forgotten]', async ({ api, a }) => {
  const base = api!.baseUrl;
  const { person, ticketId } = await requesterWithTicket(base, a!);
  const comments = async () => (await call<{ data: Array<{ authorId: string; authorName: string | null; body: string }> }>(base, `/api/v1/tickets/${ticketId}/comments`, { headers: as(a!, 'technician') })).body.data;
  const named = (await comments()).map((comment) => [comment.authorId, comment.authorName, comment.body]);
  assert.equal(named, [
    [person.id, person.name, 'Still loud'],
    [a!.sessions.technician.id, a!.sessions.technician.name, 'Ordering a new fan'],
  ]);
  expectStatus(await call(base, `/api/v1/tickets/${ticketId}/watchers`, { method: 'POST', headers: as(a!, 'technician'), json: { userId: person.id } }), 200, 'watching');
  expectStatus(await forget(base, person.id, as(a!)), 200, 'forgetting');
  const summaries = (await call<{ data: Array<{ summary: string }> }>(base, `/api/v1/tickets/${ticketId}/history`, { headers: as(a!) })).body.data.map((entry) => entry.summary);
  assert.ok(summaries.some((summary) => summary.startsWith('watcher added: [forgotten]')), JSON.stringify(summaries));
  assert.not.ok(mentions(summaries, person), 'history summaries do not name them');
  const after = await comments();
  assert.not.ok(mentions(after, person), JSON.stringify(after));
  assert.equal(after.map((comment) => comment.authorName), ['[forgotten]', a!.sessions.technician.name]);
});

test('at rest the log holds no user’s name or email in plain text', async ({ api, a }) => {
  const { rows } = await api!.system.db.pool.query<{ data: unknown }>("SELECT data FROM es_events WHERE event_type IN ('UserRegistered', 'UserProfileUpdated', 'UserEmailReserved') AND metadata->>'tenantId' = $1", [a!.id]);
  assert.ok(rows.length >= 6, `${rows.length} events`);
  const stored = JSON.stringify(rows);
  for (const session of Object.values(a!.sessions)) assert.not.ok(stored.includes(session.email) || stored.includes(session.name), `${session.role} in plain text`);
});

test('a forgotten user can no longer sign in or use a token, and their address is free again', async ({ api, a }) => {
  const base = api!.baseUrl;
  const { person, token } = await requesterWithTicket(base, a!);
  expectStatus(await forget(base, person.id, as(a!)), 200, 'forgetting');
  assert.is((await call(base, '/api/v1/me', { headers: bearer(token) })).status, 401);
  const signIn = await call(base, '/api/v1/auth/login', { method: 'POST', json: { tenant: a!.slug, email: person.email, password: person.password } });
  assert.ok([401, 403].includes(signIn.status), `login answered ${signIn.status}`);
  const again = await call<UserBody>(base, '/api/v1/users', { method: 'POST', headers: as(a!), json: { email: person.email, name: 'Returning Hire', role: 'user', password: person.password } });
  assert.is(again.status, 201, JSON.stringify(again.body));
});

test('forgetting twice, forgetting yourself, other tenants and other roles are refused and write nothing', async ({ api, a, b }) => {
  const base = api!.baseUrl;
  const target = await createUser(base, a!.sessions.admin.accessToken, 'user', 'target');
  const head = async () => (await api!.system.sealedLog.streamInfo(`user-${target.id}`))?.revision;
  const revision = await head();
  assert.is((await forget(base, target.id, as(b!))).status, 404, 'another tenant');
  assert.is((await forget(base, target.id, as(a!, 'manager'))).status, 403, 'a manager');
  assert.is((await forget(base, a!.sessions.admin.id, as(a!))).status, 403, 'yourself');
  assert.is(await head(), revision, 'nothing appended by the refusals');
  expectStatus(await forget(base, target.id, as(a!)), 200, 'forgetting');
  const twice = await forget(base, target.id, as(a!));
  assert.is(twice.status, 409, JSON.stringify(twice.body));
  const reactivate = await call(base, `/api/v1/users/${target.id}/reactivate`, { method: 'POST', headers: as(a!) });
  assert.is(reactivate.status, 409, 'a forgotten user stays deactivated');
});

test('a rebuild from the log yields the same redacted rows and outbox, other users intact', async ({ api, a }) => {
  const base = api!.baseUrl;
  const { person } = await requesterWithTicket(base, a!);
  expectStatus(await forget(base, person.id, as(a!)), 200, 'forgetting');
  const live = (await call<{ data: UserBody[] }>(base, '/api/v1/users?limit=100', { headers: as(a!) })).body.data;
  for (const name of ['users', 'notifications', 'forgotten-recipients']) await api!.system.projections.rebuild(name);
  const rebuilt = (await call<{ data: UserBody[] }>(base, '/api/v1/users?limit=100', { headers: as(a!) })).body.data;
  const strip = (users: UserBody[]) => users.map(({ id, name, email, status }) => ({ id, name, email, status }));
  assert.equal(strip(rebuilt), strip(live));
  assert.not.ok(mentions(rebuilt, person));
  assert.ok(rebuilt.some((user) => user.id === a!.sessions.technician.id && user.name === a!.sessions.technician.name));
  const outbox = await call(base, '/api/v1/notifications/outbox?limit=100', { headers: as(a!) });
  assert.not.ok(mentions(outbox.body, person), 'the outbox after a rebuild');
});

test.run();
