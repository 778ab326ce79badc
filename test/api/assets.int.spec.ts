import { randomUUID } from 'node:crypto';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { RunningApi } from '../support/api.js';
import { call } from '../support/api.js';
import { startApi } from '../support/api.js';
import { assetBody, createAsset, createAssetCategory } from '../support/asset-fixtures.js';
import type { TenantFixture } from '../support/identity-fixtures.js';
import { bearer, setUpTenant, uniqueSuffix } from '../support/identity-fixtures.js';

interface Asset {
  readonly id: string;
  readonly tag: string;
  readonly status: string;
  readonly ownerUserId: string | null;
  readonly purchaseCost: string | null;
  readonly attributes: Record<string, unknown>;
  readonly version: number;
}
interface Problem {
  readonly status: number;
  readonly detail?: string;
  readonly errors?: Array<{ path: string; message: string }>;
  readonly allowedNextStatuses?: string[];
}

const test = suite<{ api?: RunningApi; a?: TenantFixture; b?: TenantFixture; category?: string }>('assets over HTTP', {});

test.before(async (context) => {
  context.api = await startApi({ environment: { LOGIN_LIMIT_PER_ADDRESS: '10000', RATE_LIMIT_PER_MINUTE: '100000', READ_YOUR_WRITES_TIMEOUT_MS: '10000' } });
  [context.a, context.b] = await Promise.all([setUpTenant(context.api.baseUrl, 'Assets A'), setUpTenant(context.api.baseUrl, 'Assets B')]);
  context.category = await createAssetCategory(context.api.baseUrl, context.a.sessions.admin.accessToken);
});
test.after(async (context) => {
  await context.api?.close();
});

const as = (tenant: TenantFixture, role: keyof TenantFixture['sessions'] = 'admin') => bearer(tenant.sessions[role].accessToken);

test('creates an asset with valid attributes; refuses invalid ones with JSON pointers', async ({ api, a, category }) => {
  const created = await call<Asset>(api!.baseUrl, '/api/v1/assets', { method: 'POST', headers: as(a!, 'technician'), json: assetBody(category!, { purchaseCost: 1299.5, ownerUserId: a!.sessions.user.id }) });
  assert.is(created.status, 201, JSON.stringify(created.body));
  assert.equal({ status: created.body.status, cost: created.body.purchaseCost, attributes: created.body.attributes }, { status: 'in_stock', cost: '1299.5', attributes: { ramGb: 16 } });

  const invalid = await call<Problem>(api!.baseUrl, '/api/v1/assets', { method: 'POST', headers: as(a!), json: assetBody(category!, { attributes: { ramGb: 'lots' } }) });
  assert.is(invalid.status, 400);
  assert.equal(invalid.body.errors?.map((error) => error.path), ['/attributes/ramGb']);

  const badSchema = await call<Problem>(api!.baseUrl, '/api/v1/asset-categories', { method: 'POST', headers: as(a!), json: { name: 'Broken', attributesSchema: { type: 'nope' } } });
  assert.is(badSchema.status, 400);
  assert.equal(badSchema.body.errors?.map((error) => error.path), ['/attributesSchema']);
});

test('a schema revision applies to later writes only', async ({ api, a }) => {
  const category = await createAssetCategory(api!.baseUrl, a!.sessions.admin.accessToken);
  const id = await createAsset(api!.baseUrl, a!.sessions.admin.accessToken, category);
  const revised = await call(api!.baseUrl, `/api/v1/asset-categories/${category}`, { method: 'PATCH', headers: as(a!, 'manager'), json: { attributesSchema: { type: 'object', properties: { ramGb: { type: 'integer', minimum: 32 } } } } });
  assert.is(revised.status, 200, JSON.stringify(revised.body));
  const kept = await call<Asset>(api!.baseUrl, `/api/v1/assets/${id}`, { headers: as(a!) });
  assert.equal(kept.body.attributes, { ramGb: 16 });
  const rewritten = await call<Problem>(api!.baseUrl, `/api/v1/assets/${id}`, { method: 'PATCH', headers: as(a!), json: { name: 'Renamed' } });
  assert.is(rewritten.status, 400);
  const fixed = await call(api!.baseUrl, `/api/v1/assets/${id}`, { method: 'PATCH', headers: as(a!), json: { attributes: { ramGb: 64 } } });
  assert.is(fixed.status, 200, JSON.stringify(fixed.body));
});

test('a tag is unique per tenant, also under 10 concurrent creates', async ({ api, a, b, category }) => {
  const tag = `RACE-${uniqueSuffix()}`;
  const answers = await Promise.all(Array.from({ length: 10 }, () => call(api!.baseUrl, '/api/v1/assets', { method: 'POST', headers: as(a!), json: assetBody(category!, { tag }) })));
  const statuses = answers.map((answer) => answer.status);
  assert.is(statuses.filter((status) => status === 201).length, 1, JSON.stringify(statuses));
  assert.ok(statuses.every((status) => status === 201 || status === 409), JSON.stringify(statuses));
  const again = await call(api!.baseUrl, '/api/v1/assets', { method: 'POST', headers: as(a!), json: assetBody(category!, { tag: tag.toLowerCase() }) });
  assert.is(again.status, 409);
  const listed = await call<{ data: Asset[] }>(api!.baseUrl, `/api/v1/assets?tag=${tag}`, { headers: as(a!) });
  assert.is(listed.body.data.length, 1);
  // Another tenant has its own tags.
  const otherCategory = await createAssetCategory(api!.baseUrl, b!.sessions.admin.accessToken);
  const elsewhere = await call(api!.baseUrl, '/api/v1/assets', { method: 'POST', headers: as(b!), json: assetBody(otherCategory, { tag }) });
  assert.is(elsewhere.status, 201);
});

test('lifecycle: illegal moves answer 409 with the allowed next statuses; If-Match guards writes', async ({ api, a, category }) => {
  const id = await createAsset(api!.baseUrl, a!.sessions.admin.accessToken, category!);
  const illegal = await call<Problem>(api!.baseUrl, `/api/v1/assets/${id}/status`, { method: 'POST', headers: as(a!), json: { status: 'disposed' } });
  assert.is(illegal.status, 409);
  assert.equal(illegal.body.allowedNextStatuses, ['in_use', 'in_repair', 'retired']);
  const moved = await call<Asset>(api!.baseUrl, `/api/v1/assets/${id}/status`, { method: 'POST', headers: as(a!), json: { status: 'in_use', note: 'handed out' } });
  assert.is(moved.status, 200);
  assert.is(moved.body.status, 'in_use');
  const stale = await call(api!.baseUrl, `/api/v1/assets/${id}`, { method: 'PATCH', headers: { ...as(a!), 'If-Match': '"0"' }, json: { name: 'Stale' } });
  assert.is(stale.status, 412);
  const fresh = await call(api!.baseUrl, `/api/v1/assets/${id}`, { method: 'PATCH', headers: { ...as(a!), 'If-Match': '"1"' }, json: { name: 'Fresh' } });
  assert.is(fresh.status, 200);
});

test('roles: requesters read only their own assets and write none; categories are not theirs', async ({ api, a, category }) => {
  const token = a!.sessions.admin.accessToken;
  const [own, other] = await Promise.all([createAsset(api!.baseUrl, token, category!, { ownerUserId: a!.sessions.user.id }), createAsset(api!.baseUrl, token, category!)]);
  assert.is((await call(api!.baseUrl, `/api/v1/assets/${own}`, { headers: as(a!, 'user') })).status, 200);
  assert.is((await call(api!.baseUrl, `/api/v1/assets/${other}`, { headers: as(a!, 'user') })).status, 404);
  const listed = await call<{ data: Asset[] }>(api!.baseUrl, '/api/v1/assets?limit=100', { headers: as(a!, 'user') });
  assert.ok(listed.body.data.every((asset) => asset.ownerUserId === a!.sessions.user.id));
  assert.ok(listed.body.data.some((asset) => asset.id === own));
  assert.is((await call(api!.baseUrl, `/api/v1/assets/${own}`, { method: 'PATCH', headers: as(a!, 'user'), json: { name: 'Mine' } })).status, 403);
  assert.is((await call(api!.baseUrl, '/api/v1/assets', { method: 'POST', headers: as(a!, 'user'), json: assetBody(category!) })).status, 403);
  assert.is((await call(api!.baseUrl, '/api/v1/asset-categories', { headers: as(a!, 'user') })).status, 403);
  assert.is((await call(api!.baseUrl, '/api/v1/asset-categories', { headers: as(a!, 'technician') })).status, 200);
  assert.is((await call(api!.baseUrl, '/api/v1/asset-categories', { method: 'POST', headers: as(a!, 'technician'), json: { name: 'No' } })).status, 403);
});

test("another tenant's assets and categories are not found", async ({ api, a, b, category }) => {
  const id = await createAsset(api!.baseUrl, a!.sessions.admin.accessToken, category!);
  assert.is((await call(api!.baseUrl, `/api/v1/assets/${id}`, { headers: as(b!) })).status, 404);
  assert.is((await call(api!.baseUrl, `/api/v1/assets/${id}`, { method: 'PATCH', headers: as(b!), json: { name: 'Taken' } })).status, 404);
  assert.is((await call(api!.baseUrl, `/api/v1/asset-categories/${category!}`, { headers: as(b!) })).status, 404);
  const foreignCategory = await call<Problem>(api!.baseUrl, '/api/v1/assets', { method: 'POST', headers: as(b!), json: assetBody(category!) });
  assert.is(foreignCategory.status, 400);
  const foreignOwner = await call<Problem>(api!.baseUrl, '/api/v1/assets', { method: 'POST', headers: as(b!), json: assetBody(randomUUID(), { ownerUserId: a!.sessions.user.id }) });
  assert.equal(foreignOwner.body.errors?.map((error) => error.path), ['/categoryId', '/ownerUserId']);
});

test.run();
