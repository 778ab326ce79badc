import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { RunningApi } from '../support/api.js';
import { call, startApi } from '../support/api.js';
import { createAsset, createAssetCategory, maintenanceBody, planMaintenance } from '../support/asset-fixtures.js';
import type { TenantFixture } from '../support/identity-fixtures.js';
import { bearer, setUpTenant } from '../support/identity-fixtures.js';

interface Maintenance {
  readonly id: string;
  readonly status: string;
  readonly plannedFor: string;
  readonly estimatedCost: string | null;
  readonly actualCost: string | null;
  readonly currency: string | null;
  readonly doneOn: string | null;
  readonly overdue: boolean;
}
interface Asset {
  readonly id: string;
  readonly nextMaintenanceOn: string | null;
  readonly version: number;
}
interface Problem {
  readonly status: number;
  readonly currentStatus?: string;
  readonly errors?: Array<{ path: string; message: string }>;
}

const test = suite<{ api?: RunningApi; a?: TenantFixture; b?: TenantFixture; category?: string }>('asset maintenance over HTTP', {});

test.before(async (context) => {
  context.api = await startApi({ environment: { LOGIN_LIMIT_PER_ADDRESS: '10000', RATE_LIMIT_PER_MINUTE: '100000', READ_YOUR_WRITES_TIMEOUT_MS: '10000' } });
  [context.a, context.b] = await Promise.all([setUpTenant(context.api.baseUrl, 'Upkeep A'), setUpTenant(context.api.baseUrl, 'Upkeep B')]);
  context.category = await createAssetCategory(context.api.baseUrl, context.a.sessions.admin.accessToken);
});
test.after(async (context) => {
  await context.api?.close();
});

const as = (tenant: TenantFixture, role: keyof TenantFixture['sessions'] = 'admin') => bearer(tenant.sessions[role].accessToken);
const today = () => new Date().toISOString().slice(0, 10);

test('plans a maintenance, completes it once, and the asset shows its next maintenance date', async ({ api, a, category }) => {
  const asset = await createAsset(api!.baseUrl, a!.sessions.admin.accessToken, category!);
  const planned = await call<Maintenance>(api!.baseUrl, `/api/v1/assets/${asset}/maintenance`, { method: 'POST', headers: as(a!, 'technician'), json: maintenanceBody({ plannedFor: '2099-05-01', estimatedCost: 120.5, currency: 'eur', vendor: 'Acme' }) });
  assert.is(planned.status, 201, JSON.stringify(planned.body));
  assert.equal({ status: planned.body.status, cost: planned.body.estimatedCost, currency: planned.body.currency, overdue: planned.body.overdue }, { status: 'planned', cost: '120.5', currency: 'EUR', overdue: false });
  assert.is(planned.headers.get('location'), `/api/v1/assets/${asset}/maintenance/${planned.body.id}`);
  await planMaintenance(api!.baseUrl, a!.sessions.admin.accessToken, asset, { plannedFor: '2099-09-01' });
  assert.is((await call<Asset>(api!.baseUrl, `/api/v1/assets/${asset}`, { headers: as(a!) })).body.nextMaintenanceOn, '2099-05-01');

  const done = await call<Maintenance>(api!.baseUrl, `/api/v1/assets/${asset}/maintenance/${planned.body.id}/complete`, { method: 'POST', headers: as(a!), json: { doneOn: today(), actualCost: '99.99' } });
  assert.is(done.status, 200, JSON.stringify(done.body));
  assert.equal({ status: done.body.status, doneOn: done.body.doneOn, cost: done.body.actualCost }, { status: 'done', doneOn: today(), cost: '99.99' });
  assert.is((await call<Asset>(api!.baseUrl, `/api/v1/assets/${asset}`, { headers: as(a!) })).body.nextMaintenanceOn, '2099-09-01');

  const again = await call<Problem>(api!.baseUrl, `/api/v1/assets/${asset}/maintenance/${planned.body.id}/complete`, { method: 'POST', headers: as(a!), json: { doneOn: today() } });
  assert.is(again.status, 409);
  assert.is(again.body.currentStatus, 'done');
  const list = await call<{ data: Maintenance[] }>(api!.baseUrl, `/api/v1/assets/${asset}/maintenance`, { headers: as(a!) });
  assert.equal(list.body.data.map((entry) => entry.status), ['done', 'planned']);
});

test('records maintenance already done in one call, and cancels a plan', async ({ api, a, category }) => {
  const asset = await createAsset(api!.baseUrl, a!.sessions.admin.accessToken, category!);
  const recorded = await call<Maintenance>(api!.baseUrl, `/api/v1/assets/${asset}/maintenance`, { method: 'POST', headers: as(a!), json: { kind: 'repair', title: 'New keyboard', done: { doneOn: '2024-01-15', actualCost: 45 } } });
  assert.is(recorded.status, 201, JSON.stringify(recorded.body));
  assert.equal({ status: recorded.body.status, plannedFor: recorded.body.plannedFor, doneOn: recorded.body.doneOn, cost: recorded.body.actualCost }, { status: 'done', plannedFor: '2024-01-15', doneOn: '2024-01-15', cost: '45' });
  const plan = await planMaintenance(api!.baseUrl, a!.sessions.admin.accessToken, asset);
  const cancelled = await call<Maintenance>(api!.baseUrl, `/api/v1/assets/${asset}/maintenance/${plan}/cancel`, { method: 'POST', headers: as(a!, 'manager') });
  assert.is(cancelled.status, 200, JSON.stringify(cancelled.body));
  assert.is(cancelled.body.status, 'cancelled');
  assert.is((await call<Asset>(api!.baseUrl, `/api/v1/assets/${asset}`, { headers: as(a!) })).body.nextMaintenanceOn, null);
  const filtered = await call<{ data: Maintenance[] }>(api!.baseUrl, `/api/v1/assets/${asset}/maintenance?status=cancelled`, { headers: as(a!) });
  assert.equal(filtered.body.data.map((entry) => entry.id), [plan]);
});

test('refuses maintenance on a retired asset (409), bad input (400 with pointers), a future completion and a stale If-Match', async ({ api, a, category }) => {
  const asset = await createAsset(api!.baseUrl, a!.sessions.admin.accessToken, category!);
  const invalid = await call<Problem>(api!.baseUrl, `/api/v1/assets/${asset}/maintenance`, { method: 'POST', headers: as(a!), json: { kind: 'service', title: 'x', plannedFor: '2025-13-01', estimatedCost: '-5' } });
  assert.is(invalid.status, 400);
  assert.equal(invalid.body.errors?.map((error) => error.path), ['/plannedFor', '/estimatedCost']);
  const unknownField = await call<Problem>(api!.baseUrl, `/api/v1/assets/${asset}/maintenance`, { method: 'POST', headers: as(a!), json: { ...maintenanceBody(), cost: 3 } });
  assert.is(unknownField.status, 400);
  const plan = await planMaintenance(api!.baseUrl, a!.sessions.admin.accessToken, asset);
  const future = await call<Problem>(api!.baseUrl, `/api/v1/assets/${asset}/maintenance/${plan}/complete`, { method: 'POST', headers: as(a!), json: { doneOn: '2099-01-01' } });
  assert.is(future.status, 400);
  assert.equal(future.body.errors?.map((error) => error.path), ['/doneOn']);
  const stale = await call(api!.baseUrl, `/api/v1/assets/${asset}/maintenance`, { method: 'POST', headers: { ...as(a!), 'If-Match': '"0"' }, json: maintenanceBody() });
  assert.is(stale.status, 412);

  const retired = await call(api!.baseUrl, `/api/v1/assets/${asset}/status`, { method: 'POST', headers: as(a!), json: { status: 'retired' } });
  assert.is(retired.status, 200);
  const refused = await call<Problem>(api!.baseUrl, `/api/v1/assets/${asset}/maintenance`, { method: 'POST', headers: as(a!), json: maintenanceBody() });
  assert.is(refused.status, 409);
  assert.is(refused.body.currentStatus, 'retired');
  const missing = await call(api!.baseUrl, `/api/v1/assets/${asset}/maintenance/${crypto.randomUUID()}/complete`, { method: 'POST', headers: as(a!), json: { doneOn: today() } });
  assert.is(missing.status, 404);
});

test('?maintenance=overdue lists the assets with a planned maintenance past its date', async ({ api, a, category }) => {
  const token = a!.sessions.admin.accessToken;
  const [late, onTime, doneLate] = await Promise.all([createAsset(api!.baseUrl, token, category!), createAsset(api!.baseUrl, token, category!), createAsset(api!.baseUrl, token, category!)]);
  await planMaintenance(api!.baseUrl, token, late, { plannedFor: '2020-01-01' });
  await planMaintenance(api!.baseUrl, token, onTime, { plannedFor: '2099-01-01' });
  const plan = await planMaintenance(api!.baseUrl, token, doneLate, { plannedFor: '2020-01-01' });
  await call(api!.baseUrl, `/api/v1/assets/${doneLate}/maintenance/${plan}/complete`, { method: 'POST', headers: as(a!), json: { doneOn: today() } });
  const overdue = await call<{ data: Asset[] }>(api!.baseUrl, '/api/v1/assets?maintenance=overdue&limit=100', { headers: as(a!) });
  assert.is(overdue.status, 200);
  const ids = overdue.body.data.map((asset) => asset.id);
  assert.ok(ids.includes(late));
  assert.not.ok(ids.includes(onTime));
  assert.not.ok(ids.includes(doneLate));
  assert.ok(overdue.body.data.every((asset) => asset.nextMaintenanceOn !== null && asset.nextMaintenanceOn < today()));
  const listed = await call<{ data: Maintenance[] }>(api!.baseUrl, `/api/v1/assets/${late}/maintenance`, { headers: as(a!) });
  assert.is(listed.body.data[0]?.overdue, true);
  assert.is((await call(api!.baseUrl, '/api/v1/assets?maintenance=late', { headers: as(a!) })).status, 400);
});

test('a requester reads the maintenance of an asset they hold and writes none; other assets and tenants are not found', async ({ api, a, b, category }) => {
  const token = a!.sessions.admin.accessToken;
  const [own, other] = await Promise.all([createAsset(api!.baseUrl, token, category!, { ownerUserId: a!.sessions.user.id }), createAsset(api!.baseUrl, token, category!)]);
  const plan = await planMaintenance(api!.baseUrl, token, own);
  assert.is((await call(api!.baseUrl, `/api/v1/assets/${own}/maintenance`, { headers: as(a!, 'user') })).status, 200);
  assert.is((await call(api!.baseUrl, `/api/v1/assets/${own}/maintenance/${plan}`, { headers: as(a!, 'user') })).status, 200);
  assert.is((await call(api!.baseUrl, `/api/v1/assets/${own}/maintenance`, { method: 'POST', headers: as(a!, 'user'), json: maintenanceBody() })).status, 403);
  assert.is((await call(api!.baseUrl, `/api/v1/assets/${own}/maintenance/${plan}/cancel`, { method: 'POST', headers: as(a!, 'user') })).status, 403);
  assert.is((await call(api!.baseUrl, `/api/v1/assets/${other}/maintenance`, { headers: as(a!, 'user') })).status, 404);
  assert.is((await call(api!.baseUrl, `/api/v1/assets/${own}/maintenance`, { headers: as(b!) })).status, 404);
  assert.is((await call(api!.baseUrl, `/api/v1/assets/${own}/maintenance/${plan}`, { headers: as(b!) })).status, 404);
  assert.is((await call(api!.baseUrl, `/api/v1/assets/${own}/maintenance`, { method: 'POST', headers: as(b!), json: maintenanceBody() })).status, 404);
  assert.is((await call(api!.baseUrl, `/api/v1/assets/${own}/maintenance/${plan}/complete`, { method: 'POST', headers: as(b!), json: { doneOn: today() } })).status, 404);
  const still = await call<Maintenance>(api!.baseUrl, `/api/v1/assets/${own}/maintenance/${plan}`, { headers: as(a!) });
  assert.is(still.body.status, 'planned');
});

test.run();
