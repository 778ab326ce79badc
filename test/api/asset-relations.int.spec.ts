import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { RunningApi } from '../support/api.js';
import { call, startApi } from '../support/api.js';
import { createAsset, createAssetCategory, planMaintenance, relateAssets } from '../support/asset-fixtures.js';
import { createCatalogEntry } from '../support/catalog-fixtures.js';
import type { TenantFixture } from '../support/identity-fixtures.js';
import { bearer, setUpTenant } from '../support/identity-fixtures.js';

interface Relation {
  readonly id: string;
  readonly type: string;
  readonly direction: 'outgoing' | 'incoming';
  readonly other: { kind: string; id: string; name: string | null };
}
interface Impacted {
  readonly kind: 'asset' | 'service';
  readonly id: string;
  readonly depth: number;
  readonly path: string[];
  readonly via: string;
}
interface Problem {
  readonly status: number;
  readonly detail?: string;
  readonly cycle?: string[];
  readonly errors?: Array<{ path: string; message: string }>;
}

const test = suite<{ api?: RunningApi; a?: TenantFixture; b?: TenantFixture; category?: string }>('asset relations and impact over HTTP', {});

test.before(async (context) => {
  context.api = await startApi({ environment: { LOGIN_LIMIT_PER_ADDRESS: '10000', RATE_LIMIT_PER_MINUTE: '100000', READ_YOUR_WRITES_TIMEOUT_MS: '10000' } });
  [context.a, context.b] = await Promise.all([setUpTenant(context.api.baseUrl, 'Graph A'), setUpTenant(context.api.baseUrl, 'Graph B')]);
  context.category = await createAssetCategory(context.api.baseUrl, context.a.sessions.admin.accessToken);
});
test.after(async (context) => {
  await context.api?.close();
});

const as = (tenant: TenantFixture, role: keyof TenantFixture['sessions'] = 'admin') => bearer(tenant.sessions[role].accessToken);

test('relates assets, lists both directions, and removes a relation through either end', async ({ api, a, category }) => {
  const token = a!.sessions.admin.accessToken;
  const [app, vm] = await Promise.all([createAsset(api!.baseUrl, token, category!), createAsset(api!.baseUrl, token, category!)]);
  const created = await call<Relation>(api!.baseUrl, `/api/v1/assets/${app}/relations`, { method: 'POST', headers: as(a!, 'technician'), json: { type: 'runs_on', targetAssetId: vm } });
  assert.is(created.status, 201, JSON.stringify(created.body));
  assert.equal({ type: created.body.type, direction: created.body.direction, other: created.body.other.id }, { type: 'runs_on', direction: 'outgoing', other: vm });
  const fromVm = await call<{ data: Relation[] }>(api!.baseUrl, `/api/v1/assets/${vm}/relations`, { headers: as(a!) });
  assert.equal(fromVm.body.data.map((relation) => [relation.id, relation.direction, relation.other.id]), [[created.body.id, 'incoming', app]]);
  const removed = await call(api!.baseUrl, `/api/v1/assets/${vm}/relations/${created.body.id}`, { method: 'DELETE', headers: as(a!) });
  assert.is(removed.status, 204);
  assert.equal((await call<{ data: Relation[] }>(api!.baseUrl, `/api/v1/assets/${app}/relations`, { headers: as(a!) })).body.data, []);
  assert.is((await call(api!.baseUrl, `/api/v1/assets/${vm}/relations/${created.body.id}`, { method: 'DELETE', headers: as(a!) })).status, 404);
});

test('refuses a cycle (409 naming it), a self-relation, a duplicate and a connected_to mirror', async ({ api, a, category }) => {
  const token = a!.sessions.admin.accessToken;
  const [x, y, z] = await Promise.all([createAsset(api!.baseUrl, token, category!), createAsset(api!.baseUrl, token, category!), createAsset(api!.baseUrl, token, category!)]);
  await relateAssets(api!.baseUrl, token, x, { type: 'depends_on', targetAssetId: y });
  await relateAssets(api!.baseUrl, token, y, { type: 'runs_on', targetAssetId: z });
  const cycle = await call<Problem>(api!.baseUrl, `/api/v1/assets/${z}/relations`, { method: 'POST', headers: as(a!), json: { type: 'part_of', targetAssetId: x } });
  assert.is(cycle.status, 409);
  assert.equal(cycle.body.cycle, [z, x, y, z]);
  const self = await call<Problem>(api!.baseUrl, `/api/v1/assets/${x}/relations`, { method: 'POST', headers: as(a!), json: { type: 'depends_on', targetAssetId: x } });
  assert.is(self.status, 400);
  assert.equal(self.body.errors?.map((error) => error.path), ['/targetAssetId']);
  assert.is((await call(api!.baseUrl, `/api/v1/assets/${x}/relations`, { method: 'POST', headers: as(a!), json: { type: 'depends_on', targetAssetId: y } })).status, 409);
  await relateAssets(api!.baseUrl, token, x, { type: 'connected_to', targetAssetId: z });
  assert.is((await call(api!.baseUrl, `/api/v1/assets/${z}/relations`, { method: 'POST', headers: as(a!), json: { type: 'connected_to', targetAssetId: x } })).status, 409);
  const wrongTarget = await call<Problem>(api!.baseUrl, `/api/v1/assets/${x}/relations`, { method: 'POST', headers: as(a!), json: { type: 'supports', targetAssetId: y } });
  assert.is(wrongTarget.status, 400);
  assert.equal(wrongTarget.body.errors?.map((error) => error.path).sort(), ['/targetAssetId', '/targetServiceId']);
});

test('of concurrent additions that would close a cycle between them, at most one lands', async ({ api, a, category }) => {
  const token = a!.sessions.admin.accessToken;
  const [p, q] = await Promise.all([createAsset(api!.baseUrl, token, category!), createAsset(api!.baseUrl, token, category!)]);
  const answers = await Promise.all([
    call(api!.baseUrl, `/api/v1/assets/${p}/relations`, { method: 'POST', headers: as(a!), json: { type: 'depends_on', targetAssetId: q } }),
    call(api!.baseUrl, `/api/v1/assets/${q}/relations`, { method: 'POST', headers: as(a!), json: { type: 'depends_on', targetAssetId: p } }),
  ]);
  const statuses = answers.map((answer) => answer.status).sort();
  assert.equal(statuses, [201, 409], JSON.stringify(answers.map((answer) => answer.body)));
});

test('impact walks dependents transitively with depth and path, and reaches the services they support', async ({ api, a, category }) => {
  const token = a!.sessions.admin.accessToken;
  const [host, vm, app, bystander] = await Promise.all([1, 2, 3, 4].map(() => createAsset(api!.baseUrl, token, category!)));
  const crm = (await createCatalogEntry(api!.baseUrl, token, 'services')).id;
  await relateAssets(api!.baseUrl, token, vm!, { type: 'runs_on', targetAssetId: host });
  await relateAssets(api!.baseUrl, token, app!, { type: 'runs_on', targetAssetId: vm });
  await relateAssets(api!.baseUrl, token, app!, { type: 'supports', targetServiceId: crm });
  await relateAssets(api!.baseUrl, token, bystander!, { type: 'connected_to', targetAssetId: host });
  const impact = await call<{ data: Impacted[]; truncated: boolean }>(api!.baseUrl, `/api/v1/assets/${host}/impact`, { headers: as(a!, 'technician') });
  assert.is(impact.status, 200, JSON.stringify(impact.body));
  assert.equal(
    impact.body.data.map((item) => [item.kind, item.id, item.depth, item.path, item.via]),
    [
      ['asset', vm, 1, [host, vm], 'runs_on'],
      ['asset', app, 2, [host, vm, app], 'runs_on'],
      ['service', crm, 3, [host, vm, app, crm], 'supports'],
    ],
  );
  assert.is(impact.body.truncated, false);
  const shallow = await call<{ data: Impacted[]; truncated: boolean }>(api!.baseUrl, `/api/v1/assets/${host}/impact?depth=1`, { headers: as(a!) });
  assert.equal(shallow.body.data.map((item) => item.id), [vm]);
  assert.is(shallow.body.truncated, true);
  assert.is((await call(api!.baseUrl, `/api/v1/assets/${host}/impact?depth=11`, { headers: as(a!) })).status, 400);
});

test('requesters are refused the graph of their own asset (403) and find others absent; other tenants find nothing', async ({ api, a, b, category }) => {
  const token = a!.sessions.admin.accessToken;
  const [own, other] = await Promise.all([createAsset(api!.baseUrl, token, category!, { ownerUserId: a!.sessions.user.id }), createAsset(api!.baseUrl, token, category!)]);
  const relation = await relateAssets(api!.baseUrl, token, own, { type: 'depends_on', targetAssetId: other });
  assert.is((await call(api!.baseUrl, `/api/v1/assets/${own}/relations`, { headers: as(a!, 'user') })).status, 403);
  assert.is((await call(api!.baseUrl, `/api/v1/assets/${own}/impact`, { headers: as(a!, 'user') })).status, 403);
  assert.is((await call(api!.baseUrl, `/api/v1/assets/${other}/relations`, { headers: as(a!, 'user') })).status, 404);
  assert.is((await call(api!.baseUrl, `/api/v1/assets/${own}/relations`, { method: 'POST', headers: as(a!, 'user'), json: { type: 'depends_on', targetAssetId: other } })).status, 403);
  assert.is((await call(api!.baseUrl, `/api/v1/assets/${own}/relations`, { headers: as(b!) })).status, 404);
  assert.is((await call(api!.baseUrl, `/api/v1/assets/${own}/impact`, { headers: as(b!) })).status, 404);
  assert.is((await call(api!.baseUrl, `/api/v1/assets/${own}/relations/${relation}`, { method: 'DELETE', headers: as(b!) })).status, 404);
  // Tenant B's own asset cannot point into tenant A's graph either.
  const bCategory = await createAssetCategory(api!.baseUrl, b!.sessions.admin.accessToken);
  const bAsset = await createAsset(api!.baseUrl, b!.sessions.admin.accessToken, bCategory);
  const across = await call<Problem>(api!.baseUrl, `/api/v1/assets/${bAsset}/relations`, { method: 'POST', headers: as(b!), json: { type: 'depends_on', targetAssetId: other } });
  assert.is(across.status, 400);
  assert.equal(across.body.errors?.map((error) => error.path), ['/targetAssetId']);
  assert.is((await call<{ data: Relation[] }>(api!.baseUrl, `/api/v1/assets/${own}/relations`, { headers: as(a!) })).body.data.length, 1);
});

test('rebuilding the CMDB read models from the log gives the rows the live projection wrote', async ({ api, a, category }) => {
  const token = a!.sessions.admin.accessToken;
  const [first, second] = await Promise.all([createAsset(api!.baseUrl, token, category!), createAsset(api!.baseUrl, token, category!)]);
  const removed = await relateAssets(api!.baseUrl, token, first, { type: 'part_of', targetAssetId: second });
  await call(api!.baseUrl, `/api/v1/assets/${first}/relations/${removed}`, { method: 'DELETE', headers: as(a!) });
  await relateAssets(api!.baseUrl, token, second, { type: 'depends_on', targetAssetId: first });
  const [done, cancelled] = await Promise.all([planMaintenance(api!.baseUrl, token, first, { plannedFor: '2020-02-02' }), planMaintenance(api!.baseUrl, token, second)]);
  await call(api!.baseUrl, `/api/v1/assets/${first}/maintenance/${done}/complete`, { method: 'POST', headers: as(a!), json: { doneOn: '2024-06-01', actualCost: '12.5' } });
  await call(api!.baseUrl, `/api/v1/assets/${second}/maintenance/${cancelled}/cancel`, { method: 'POST', headers: as(a!) });
  await planMaintenance(api!.baseUrl, token, second, { plannedFor: '2030-03-03' });

  const knex = api!.system.db.knex;
  const snapshot = async () => ({
    assets: await knex('assets').where({ tenant_id: a!.id }).orderBy('id'),
    maintenance: await knex('asset_maintenance').where({ tenant_id: a!.id }).orderBy('id'),
    relations: await knex('asset_relations').where({ tenant_id: a!.id }).orderBy('id'),
  });
  const live = await snapshot();
  assert.ok(live.maintenance.length >= 3 && live.relations.length >= 1);
  await api!.system.projections.rebuild('assets');
  await api!.system.projections.rebuild('asset_relations');
  assert.equal(await snapshot(), live);
});

test.run();
