import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { RunningApi } from '../support/api.js';
import { call, startApi } from '../support/api.js';
import type { TenantFixture } from '../support/identity-fixtures.js';
import { bearer, expectStatus, setUpTenant } from '../support/identity-fixtures.js';

interface Snapshot {
  readonly at: string;
  readonly version: number;
  readonly body: Record<string, unknown>;
}

const test = suite<{ api?: RunningApi; a?: TenantFixture; b?: TenantFixture; advance?: (minutes: number) => string }>('ticket time travel over HTTP', {});

test.before(async (context) => {
  // A clock the scenario moves a minute per step, so every step has its own instant.
  let now = Date.now();
  context.advance = (minutes) => new Date((now += minutes * 60_000)).toISOString();
  context.api = await startApi({ clock: () => new Date(now), environment: { LOGIN_LIMIT_PER_ADDRESS: '10000', RATE_LIMIT_PER_MINUTE: '100000', READ_YOUR_WRITES_TIMEOUT_MS: '10000' } });
  [context.a, context.b] = await Promise.all([setUpTenant(context.api.baseUrl, 'Travel A'), setUpTenant(context.api.baseUrl, 'Travel B')]);
});
test.after(async (context) => {
  await context.api?.close();
});

const as = (tenant: TenantFixture, role: keyof TenantFixture['sessions'] = 'admin') => bearer(tenant.sessions[role].accessToken);

test('the ticket as of a version or an instant equals what the read model showed then', async ({ api, a, advance }) => {
  const base = api!.baseUrl;
  const admin = as(a!);
  const snapshots: Snapshot[] = [];
  const snap = async (id: string) => {
    const read = expectStatus(await call<Record<string, unknown>>(base, `/api/v1/tickets/${id}`, { headers: admin }), 200, 'reading the ticket');
    snapshots.push({ at: advance!(0), version: Number(read.body.version), body: read.body });
    advance!(1);
  };
  const opened = expectStatus(await call<{ id: string }>(base, '/api/v1/tickets', { method: 'POST', headers: as(a!, 'user'), json: { type: 'incident', title: 'Mail bounces', description: 'Since Monday', impact: 'medium', urgency: 'medium' } }), 201, 'raising');
  const id = opened.body.id;
  await snap(id);
  const steps: Array<[string, string, unknown]> = [
    ['PATCH', '', { title: 'Mail to partners bounces', tags: ['mail'] }],
    ['POST', '/assign', { assigneeId: a!.sessions.technician.id }],
    ['POST', '/start', undefined],
    ['POST', '/priority', { priority: 'P1', reason: 'CEO affected' }],
    ['POST', '/pend', { reason: 'waiting for the provider' }],
    ['POST', '/resume', undefined],
    ['POST', '/resolve', { code: 'fixed', notes: 'SPF record corrected' }],
    ['POST', '/reopen', { reason: 'still bouncing' }],
  ];
  for (const [method, suffix, body] of steps) {
    expectStatus(await call(base, `/api/v1/tickets/${id}${suffix}`, { method, headers: admin, ...(body !== undefined ? { json: body } : {}) }), 200, `${method} ${suffix || '(edit)'}`);
    await snap(id);
  }
  assert.is(new Set(snapshots.map((s) => s.version)).size, snapshots.length, 'each step made a new version');

  for (const snapshot of snapshots) {
    const byVersion = await call<Record<string, unknown>>(base, `/api/v1/tickets/${id}?asOfVersion=${snapshot.version}`, { headers: admin });
    assert.is(byVersion.status, 200, JSON.stringify(byVersion.body));
    assert.equal(byVersion.body, snapshot.body, `as of version ${snapshot.version}`);
    const byTime = await call<Record<string, unknown>>(base, `/api/v1/tickets/${id}?asOf=${encodeURIComponent(snapshot.at)}`, { headers: as(a!, 'manager') });
    assert.equal(byTime.body, snapshot.body, `as of ${snapshot.at}`);
  }
  // Time travel leaves the real read model alone.
  const now = await call<Record<string, unknown>>(base, `/api/v1/tickets/${id}`, { headers: admin });
  assert.equal(now.body, snapshots.at(-1)!.body);
});

test('before the ticket existed is 404; technicians, requesters and other tenants may not travel; bad points are 400', async ({ api, a, b, advance }) => {
  const base = api!.baseUrl;
  const before = advance!(1);
  advance!(1);
  const id = expectStatus(await call<{ id: string }>(base, '/api/v1/tickets', { method: 'POST', headers: as(a!, 'user'), json: { type: 'incident', title: 'Printer offline', impact: 'low', urgency: 'low' } }), 201, 'raising').body.id;
  assert.is((await call(base, `/api/v1/tickets/${id}?asOf=${encodeURIComponent(before)}`, { headers: as(a!) })).status, 404);
  assert.is((await call(base, `/api/v1/tickets/${id}?asOfVersion=0`, { headers: as(a!, 'technician') })).status, 403);
  assert.is((await call(base, `/api/v1/tickets/${id}?asOfVersion=0`, { headers: as(a!, 'user') })).status, 403);
  assert.is((await call(base, `/api/v1/tickets/${id}?asOfVersion=0`, { headers: as(b!) })).status, 404);
  for (const query of ['asOfVersion=-1', 'asOfVersion=x', 'asOf=yesterday', 'asOf=2026-01-01', `asOf=${encodeURIComponent(before)}&asOfVersion=0`, 'unknown=1']) {
    const refused = await call(base, `/api/v1/tickets/${id}?${query}`, { headers: as(a!) });
    assert.is(refused.status, 400, `${query}: ${refused.status}`);
  }
  // A version past the head is the ticket as it stands: opened with the starter SLA's terms (version 1).
  const latest = await call<{ version: number }>(base, `/api/v1/tickets/${id}?asOfVersion=999`, { headers: as(a!) });
  assert.equal([latest.status, latest.body.version], [200, 1]);
});

test.run();
