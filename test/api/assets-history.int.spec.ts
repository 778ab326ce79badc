import { randomUUID } from 'node:crypto';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { RunningApi } from '../support/api.js';
import { call, startApi } from '../support/api.js';
import { createAsset, createAssetCategory, planMaintenance } from '../support/asset-fixtures.js';
import type { TenantFixture } from '../support/identity-fixtures.js';
import { bearer, expectStatus, setUpTenant } from '../support/identity-fixtures.js';

interface HistoryEntry {
  readonly type: string;
  readonly revision: number;
  readonly occurredAt: string;
  readonly actorId: string | null;
  readonly summary: string;
  readonly changes: Array<{ field: string; from: unknown; to: unknown }>;
}
interface TicketRow {
  readonly id: string;
  readonly number: string;
  readonly requesterId: string;
}
interface Problem {
  readonly status: number;
  readonly errors?: Array<{ path: string; message: string }>;
}

const test = suite<{ api?: RunningApi; a?: TenantFixture; b?: TenantFixture; category?: string }>('asset history and tickets over HTTP', {});

test.before(async (context) => {
  context.api = await startApi({ environment: { LOGIN_LIMIT_PER_ADDRESS: '10000', RATE_LIMIT_PER_MINUTE: '100000', READ_YOUR_WRITES_TIMEOUT_MS: '10000' } });
  [context.a, context.b] = await Promise.all([setUpTenant(context.api.baseUrl, 'History A'), setUpTenant(context.api.baseUrl, 'History B')]);
  context.category = await createAssetCategory(context.api.baseUrl, context.a.sessions.admin.accessToken);
});
test.after(async (context) => {
  await context.api?.close();
});

const as = (tenant: TenantFixture, role: keyof TenantFixture['sessions'] = 'admin') => bearer(tenant.sessions[role].accessToken);
const ticketBody = (extra: Record<string, unknown> = {}) => ({ type: 'incident', title: 'Laptop will not boot', description: 'Black screen', impact: 'medium', urgency: 'medium', ...extra });

test('history lists the asset stream in order with who did it and old → new summaries, page by page', async ({ api, a, category }) => {
  const id = await createAsset(api!.baseUrl, a!.sessions.admin.accessToken, category!, { location: 'HQ' });
  assert.is((await call(api!.baseUrl, `/api/v1/assets/${id}`, { method: 'PATCH', headers: as(a!, 'technician'), json: { location: 'Branch', name: 'Renamed laptop' } })).status, 200);
  assert.is((await call(api!.baseUrl, `/api/v1/assets/${id}/status`, { method: 'POST', headers: as(a!), json: { status: 'in_use', note: 'handed out' } })).status, 200);
  await planMaintenance(api!.baseUrl, a!.sessions.admin.accessToken, id, { title: 'Battery check', plannedFor: '2099-02-01' });

  const history = await call<{ data: HistoryEntry[]; nextCursor: string | null }>(api!.baseUrl, `/api/v1/assets/${id}/history`, { headers: as(a!, 'manager') });
  assert.is(history.status, 200, JSON.stringify(history.body));
  assert.equal(history.body.data.map((entry) => [entry.type, entry.revision]), [['AssetRegistered', 0], ['AssetUpdated', 1], ['AssetStatusChanged', 2], ['AssetMaintenancePlanned', 3]]);
  const [registered, updated, moved, planned] = history.body.data;
  assert.is(registered!.actorId, a!.sessions.admin.id);
  assert.is(updated!.actorId, a!.sessions.technician.id);
  assert.ok(updated!.summary.includes('location: "HQ" → "Branch"'), updated!.summary);
  assert.equal(updated!.changes.map((change) => change.field).sort(), ['location', 'name']);
  assert.is(moved!.summary, 'status: in_stock → in_use (handed out)');
  assert.ok(planned!.summary.includes('"Battery check" for 2099-02-01'), planned!.summary);
  assert.ok(history.body.data.every((entry) => !Number.isNaN(Date.parse(entry.occurredAt))));
  assert.is(history.body.nextCursor, null);

  const first = await call<{ data: HistoryEntry[]; nextCursor: string | null }>(api!.baseUrl, `/api/v1/assets/${id}/history?limit=3`, { headers: as(a!) });
  assert.is(first.body.data.length, 3);
  const rest = await call<{ data: HistoryEntry[]; nextCursor: string | null }>(api!.baseUrl, `/api/v1/assets/${id}/history?limit=3&cursor=${first.body.nextCursor ?? ''}`, { headers: as(a!) });
  assert.equal(rest.body.data.map((entry) => entry.revision), [3]);
  assert.is(rest.body.nextCursor, null);
  assert.is((await call(api!.baseUrl, `/api/v1/assets/${id}/history?cursor=abc`, { headers: as(a!) })).status, 400);
});

test('history is the agents\' view: a requester gets 403 on their own asset, 404 on others; other tenants 404', async ({ api, a, b, category }) => {
  const token = a!.sessions.admin.accessToken;
  const [own, other] = await Promise.all([createAsset(api!.baseUrl, token, category!, { ownerUserId: a!.sessions.user.id }), createAsset(api!.baseUrl, token, category!)]);
  assert.is((await call(api!.baseUrl, `/api/v1/assets/${own}/history`, { headers: as(a!, 'user') })).status, 403);
  assert.is((await call(api!.baseUrl, `/api/v1/assets/${other}/history`, { headers: as(a!, 'user') })).status, 404);
  assert.is((await call(api!.baseUrl, `/api/v1/assets/${own}/history`, { headers: as(b!) })).status, 404);
  assert.is((await call(api!.baseUrl, `/api/v1/assets/${randomUUID()}/history`, { headers: as(a!) })).status, 404);
});

test('tickets naming an asset are listed newest first in keyset pages; a requester sees only theirs', async ({ api, a, b, category }) => {
  const token = a!.sessions.admin.accessToken;
  const asset = await createAsset(api!.baseUrl, token, category!, { ownerUserId: a!.sessions.user.id });
  const open = async (role: keyof TenantFixture['sessions'], extra: Record<string, unknown> = {}) =>
    expectStatus(await call<TicketRow>(api!.baseUrl, '/api/v1/tickets', { method: 'POST', headers: as(a!, role), json: ticketBody(extra) }), 201, 'opening a ticket').body.id;
  const byAgent = await open('technician', { assetIds: [asset] });
  const byRequester = await open('user', { assetIds: [asset] });
  const third = await open('manager', { assetIds: [asset] });
  await open('technician');

  const all = await call<{ data: TicketRow[]; nextCursor: string | null }>(api!.baseUrl, `/api/v1/assets/${asset}/tickets?limit=2`, { headers: as(a!) });
  assert.is(all.status, 200, JSON.stringify(all.body));
  const next = await call<{ data: TicketRow[]; nextCursor: string | null }>(api!.baseUrl, `/api/v1/assets/${asset}/tickets?limit=2&cursor=${all.body.nextCursor ?? ''}`, { headers: as(a!) });
  assert.equal([...all.body.data, ...next.body.data].map((ticket) => ticket.id), [third, byRequester, byAgent]);
  assert.is(next.body.nextCursor, null);

  const mine = await call<{ data: TicketRow[] }>(api!.baseUrl, `/api/v1/assets/${asset}/tickets`, { headers: as(a!, 'user') });
  assert.equal(mine.body.data.map((ticket) => ticket.id), [byRequester]);
  const unowned = await createAsset(api!.baseUrl, token, category!);
  assert.is((await call(api!.baseUrl, `/api/v1/assets/${unowned}/tickets`, { headers: as(a!, 'user') })).status, 404);
  assert.is((await call(api!.baseUrl, `/api/v1/assets/${asset}/tickets`, { headers: as(b!) })).status, 404);
  assert.is((await call(api!.baseUrl, `/api/v1/assets/${asset}/tickets?cursor=forged`, { headers: as(a!) })).status, 400);
});

test('a ticket may name only live assets of its tenant: unknown, foreign and disposed ids are 400 with a field error', async ({ api, a, b, category }) => {
  const token = a!.sessions.admin.accessToken;
  const live = await createAsset(api!.baseUrl, token, category!);
  const disposed = await createAsset(api!.baseUrl, token, category!);
  for (const status of ['retired', 'disposed']) assert.is((await call(api!.baseUrl, `/api/v1/assets/${disposed}/status`, { method: 'POST', headers: as(a!), json: { status } })).status, 200);
  const foreign = await createAsset(api!.baseUrl, b!.sessions.admin.accessToken, await createAssetCategory(api!.baseUrl, b!.sessions.admin.accessToken));

  const refused = await call<Problem>(api!.baseUrl, '/api/v1/tickets', { method: 'POST', headers: as(a!, 'technician'), json: ticketBody({ assetIds: [live, randomUUID(), foreign, disposed] }) });
  assert.is(refused.status, 400);
  assert.equal(refused.body.errors?.map((error) => [error.path, error.message]), [
    ['/assetIds/1', 'not an asset of this tenant'],
    ['/assetIds/2', 'not an asset of this tenant'],
    ['/assetIds/3', 'the asset is disposed'],
  ]);

  const opened = await call<TicketRow>(api!.baseUrl, '/api/v1/tickets', { method: 'POST', headers: as(a!, 'technician'), json: ticketBody({ assetIds: [live] }) });
  assert.is(opened.status, 201, JSON.stringify(opened.body));
  const update = await call<Problem>(api!.baseUrl, `/api/v1/tickets/${opened.body.id}`, { method: 'PATCH', headers: as(a!, 'technician'), json: { assetIds: [live, foreign] } });
  assert.is(update.status, 400);
  assert.equal(update.body.errors?.map((error) => error.path), ['/assetIds/1']);
  assert.is((await call(api!.baseUrl, `/api/v1/tickets/${opened.body.id}`, { method: 'PATCH', headers: as(a!, 'technician'), json: { assetIds: [] } })).status, 200);

  // A requester names only the kit assigned to them; anyone else's is as unknown as a made-up id.
  const theirs = await createAsset(api!.baseUrl, a!.sessions.admin.accessToken, category!, { ownerUserId: a!.sessions.user.id });
  const byRequester = await call<Problem>(api!.baseUrl, '/api/v1/tickets', { method: 'POST', headers: as(a!, 'user'), json: ticketBody({ assetIds: [theirs, live] }) });
  assert.is(byRequester.status, 400, JSON.stringify(byRequester.body));
  assert.equal(byRequester.body.errors?.map((error) => [error.path, error.message]), [['/assetIds/1', 'not an asset of this tenant']]);
  assert.is((await call(api!.baseUrl, '/api/v1/tickets', { method: 'POST', headers: as(a!, 'user'), json: ticketBody({ assetIds: [theirs] }) })).status, 201);
});

test.run();
