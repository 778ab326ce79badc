import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { RunningApi } from '../support/api.js';
import { eventDigest, linkHash } from '../../src/eventstore/chain.js';
import { call, startApi } from '../support/api.js';
import type { TenantFixture } from '../support/identity-fixtures.js';
import { bearer, expectStatus, setUpTenant } from '../support/identity-fixtures.js';

interface Verification {
  readonly streamId: string;
  readonly events: number;
  readonly intact: boolean;
  readonly headHash: string | null;
  readonly firstBreak: { revision: number; eventId: string | null; reason: string } | null;
}
interface LogPage {
  readonly data: Array<{ position: string; streamId: string; revision: number; type: string; metadata: { tenantId?: string }; hash: string | null }>;
  readonly nextCursor: string;
  readonly end: boolean;
}

const test = suite<{ api?: RunningApi; a?: TenantFixture; b?: TenantFixture }>('audit over HTTP', {});

test.before(async (context) => {
  context.api = await startApi({ environment: { LOGIN_LIMIT_PER_ADDRESS: '10000', RATE_LIMIT_PER_MINUTE: '100000', READ_YOUR_WRITES_TIMEOUT_MS: '10000' } });
  [context.a, context.b] = await Promise.all([setUpTenant(context.api.baseUrl, 'Audit A'), setUpTenant(context.api.baseUrl, 'Audit B')]);
});
test.after(async (context) => {
  await context.api?.close();
});

const as = (tenant: TenantFixture, role: keyof TenantFixture['sessions'] = 'admin') => bearer(tenant.sessions[role].accessToken);

async function workedTicket(base: string, tenant: TenantFixture): Promise<string> {
  const created = expectStatus(await call<{ id: string }>(base, '/api/v1/tickets', { method: 'POST', headers: as(tenant), json: { type: 'incident', title: 'Printer jams', description: 'Tray 2', impact: 'low', urgency: 'medium' } }), 201, 'raising a ticket');
  const id = created.body.id;
  expectStatus(await call(base, `/api/v1/tickets/${id}/comments`, { method: 'POST', headers: as(tenant), json: { body: 'Cleaned the rollers' } }), 201, 'commenting');
  expectStatus(await call(base, `/api/v1/tickets/${id}/start`, { method: 'POST', headers: as(tenant) }), 200, 'starting work');
  return id;
}

test("a ticket's chain verifies; after a row is altered in PostgreSQL, the verifier names the altered event", async ({ api, a }) => {
  const base = api!.baseUrl;
  const id = await workedTicket(base, a!);
  const verify = () => call<Verification>(base, `/api/v1/audit/verify?stream=ticket-${id}`, { headers: as(a!) });
  const intact = await verify();
  assert.is(intact.status, 200, JSON.stringify(intact.body));
  assert.equal([intact.body.intact, intact.body.firstBreak], [true, null]);
  assert.ok(intact.body.events >= 3, `${intact.body.events} events`);
  assert.match(intact.body.headHash ?? '', /^[0-9a-f]{64}$/);

  const [comment] = (await api!.system.store.readStream(`ticket-${id}`)).filter((event) => event.type === 'TicketCommented');
  await api!.system.db.pool.query(`UPDATE es_events SET data = jsonb_set(data, '{body}', '"Replaced the printer"') WHERE stream_id = $1 AND revision = $2`, [`ticket-${id}`, comment!.revision]);
  const broken = await verify();
  assert.is(broken.status, 200);
  assert.equal([broken.body.intact, broken.body.firstBreak?.revision, broken.body.firstBreak?.eventId, broken.body.firstBreak?.reason], [false, comment!.revision, comment!.id, 'altered']);
});

test('managers verify too; technicians and requesters may not; another tenant and unknown streams are 404; bad ids 400', async ({ api, a, b }) => {
  const base = api!.baseUrl;
  const id = await workedTicket(base, a!);
  const path = `/api/v1/audit/verify?stream=ticket-${id}`;
  assert.is((await call(base, path, { headers: as(a!, 'manager') })).status, 200);
  assert.is((await call(base, path, { headers: as(a!, 'technician') })).status, 403);
  assert.is((await call(base, path, { headers: as(a!, 'user') })).status, 403);
  assert.is((await call(base, path, { headers: as(b!) })).status, 404);
  assert.is((await call(base, path)).status, 401);
  assert.is((await call(base, '/api/v1/audit/verify?stream=ticket-00000000-0000-4000-8000-000000000000', { headers: as(a!) })).status, 404);
  // The other tenant's own records are theirs alone.
  assert.is((await call(base, `/api/v1/audit/verify?stream=tenant-${b!.id}`, { headers: as(a!) })).status, 404);
  assert.is((await call(base, `/api/v1/audit/verify?stream=tenant-${a!.id}`, { headers: as(a!) })).status, 200);
  for (const query of ['stream=', 'stream=ticket', "stream=ticket-1' OR 1=1", 'stream=TICKET-1', `stream=ticket-${id}&extra=1`]) {
    const refused = await call(base, `/api/v1/audit/verify?${query}`, { headers: as(a!) });
    assert.is(refused.status, 400, `${query}: ${refused.status}`);
  }
});

test('the tenant-wide check finds a stream rewritten with a freshly computed chain, which its own chain cannot', async ({ api }) => {
  const base = api!.baseUrl;
  // Tenants of their own: the first test left a tampered ticket in tenant A.
  const [a, b] = await Promise.all([setUpTenant(base, 'Anchored A'), setUpTenant(base, 'Anchored B')]);
  const id = await workedTicket(base, a);
  await workedTicket(base, b);
  await api!.system.projections.catchUp();
  assert.ok((await api!.system.anchoring.anchorOnce()) >= 2, 'both tenants anchored');
  const tenantCheck = () => call<{ intact: boolean; anchors: number; streamsChecked: number; problems: Array<{ streamId: string; problem: string }> }>(base, '/api/v1/audit/verify', { headers: as(a) });
  const before = await tenantCheck();
  assert.is(before.status, 200, JSON.stringify(before.body));
  assert.equal([before.body.intact, before.body.problems], [true, []]);
  assert.ok(before.body.anchors >= 1 && before.body.streamsChecked >= 2, JSON.stringify(before.body));

  // A forger with database access rewrites the ticket's first event and recomputes every link after it.
  const stream = `ticket-${id}`;
  const events = await api!.system.store.readStream(stream);
  let previous: string | null = null;
  for (const event of events) {
    const data = event.revision === 0 ? { ...event.data, title: 'Nothing to see' } : event.data;
    const link = linkHash(previous, eventDigest({ type: event.type, data, metadata: event.metadata }));
    await api!.system.db.pool.query(`UPDATE es_events SET data = $3::jsonb, hash = decode($4, 'hex') WHERE stream_id = $1 AND revision = $2`, [stream, event.revision, JSON.stringify(data), link]);
    previous = link;
  }
  const own = await call<{ intact: boolean }>(base, `/api/v1/audit/verify?stream=${stream}`, { headers: as(a) });
  assert.is(own.body.intact, true, "a consistent rewrite passes the stream's own chain");
  const after = await tenantCheck();
  assert.is(after.body.intact, false);
  assert.equal(after.body.problems.map((found) => found.streamId), [stream]);
  assert.match(after.body.problems[0]!.problem, /rewritten/);
  // Another tenant's anchors are untouched by it.
  const theirs = await call<{ intact: boolean }>(base, '/api/v1/audit/verify', { headers: as(b) });
  assert.is(theirs.body.intact, true);
});

test("the tenant's event log pages in log order with a resumable cursor and holds only the tenant's events", async ({ api, a, b }) => {
  const base = api!.baseUrl;
  const mine = await workedTicket(base, a!);
  const theirs = await workedTicket(base, b!);
  const seen: LogPage['data'] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 200; page++) {
    const response: { status: number; body: LogPage } = await call<LogPage>(base, `/api/v1/audit/events?limit=50${cursor ? `&after=${cursor}` : ''}`, { headers: as(a!) });
    assert.is(response.status, 200, JSON.stringify(response.body));
    seen.push(...response.body.data);
    cursor = response.body.nextCursor;
    if (response.body.end) break;
  }
  assert.ok(seen.length > 0);
  assert.ok(seen.every((event) => event.metadata.tenantId === a!.id), "only the tenant's events");
  assert.ok(seen.some((event) => event.streamId === `ticket-${mine}`));
  assert.not.ok(seen.some((event) => event.streamId === `ticket-${theirs}`));
  assert.ok(seen.every((event) => event.hash !== null));
  // Credentials recorded by identity events never leave in an export.
  assert.ok(seen.some((event) => event.type === 'UserRegistered'));
  assert.not.ok(JSON.stringify(seen).includes('$argon2'), 'no password hash exported');
  assert.is(new Set(seen.map((event) => event.position)).size, seen.length, 'no event twice');

  // Resuming from the last cursor later finds only what was written since.
  await call(base, `/api/v1/tickets/${mine}/comments`, { method: 'POST', headers: as(a!), json: { body: 'later' } });
  const later = await call<LogPage>(base, `/api/v1/audit/events?after=${cursor}`, { headers: as(a!) });
  assert.equal(later.body.data.map((event) => [event.streamId, event.type]), [[`ticket-${mine}`, 'TicketCommented']]);

  assert.is((await call(base, '/api/v1/audit/events', { headers: as(a!, 'manager') })).status, 403);
  for (const query of ['after=abc', 'after=1', 'limit=0', 'limit=1001', 'after=99999999999999999999999-1', 'after=99999999999999999999/1', 'from=1']) {
    assert.is((await call(base, `/api/v1/audit/events?${query}`, { headers: as(a!) })).status, 400, query);
  }
});

test.run();
