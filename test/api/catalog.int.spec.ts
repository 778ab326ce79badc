import { randomUUID } from 'node:crypto';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { RunningApi } from '../support/api.js';
import { call, startApi } from '../support/api.js';
import type { CatalogEntry } from '../support/catalog-fixtures.js';
import { createCatalogEntry, createRetiredEntry, setCatalogEntryActive } from '../support/catalog-fixtures.js';
import type { TenantFixture } from '../support/identity-fixtures.js';
import { bearer, setUpTenant, uniqueSuffix } from '../support/identity-fixtures.js';

interface Category extends CatalogEntry {
  readonly description: string;
  readonly parentId: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}
interface Service extends CatalogEntry {
  readonly ownerTeamId: string | null;
  readonly criticality: string;
}
interface Page<T> {
  readonly data: T[];
  readonly nextCursor: string | null;
}
interface Problem {
  readonly status: number;
  readonly errors?: Array<{ path: string; message: string }>;
}

const test = suite<{ api?: RunningApi; a?: TenantFixture; b?: TenantFixture }>('catalog over HTTP', {});

test.before(async (context) => {
  context.api = await startApi({ environment: { LOGIN_LIMIT_PER_ADDRESS: '10000', RATE_LIMIT_PER_MINUTE: '100000', READ_YOUR_WRITES_TIMEOUT_MS: '10000' } });
  [context.a, context.b] = await Promise.all([setUpTenant(context.api.baseUrl, 'Catalog A'), setUpTenant(context.api.baseUrl, 'Catalog B')]);
});
test.after(async (context) => {
  await context.api?.close();
});

const as = (tenant: TenantFixture, role: keyof TenantFixture['sessions'] = 'admin') => bearer(tenant.sessions[role].accessToken);
const ids = <T extends { id: string }>(page: Page<T>): string[] => page.data.map((row) => row.id);

test('an admin creates a category and reads it back with its version', async ({ api, a }) => {
  const name = `Hardware ${uniqueSuffix()}`;
  const created = await call<Category>(api!.baseUrl, '/api/v1/categories', { method: 'POST', headers: as(a!), json: { name: `  ${name} `, description: 'Laptops, screens, docks' } });
  assert.is(created.status, 201, JSON.stringify(created.body));
  assert.is(created.headers.get('etag'), '"0"');
  assert.is(created.headers.get('location'), `/api/v1/categories/${created.body.id}`);
  assert.equal({ name: created.body.name, description: created.body.description, parentId: created.body.parentId, active: created.body.active, version: created.body.version }, { name, description: 'Laptops, screens, docks', parentId: null, active: true, version: 0 });

  const read = await call<Category>(api!.baseUrl, `/api/v1/categories/${created.body.id}`, { headers: as(a!, 'user') });
  assert.is(read.status, 200);
  assert.equal(read.body, created.body);
  assert.is(read.headers.get('etag'), '"0"');
});

test('subcategories nest one level under an active top-level category, and list by parent', async ({ api, a }) => {
  const parent = await createCatalogEntry(api!.baseUrl, a!.sessions.admin.accessToken, 'categories');
  const [first, second] = await Promise.all([
    createCatalogEntry(api!.baseUrl, a!.sessions.admin.accessToken, 'categories', { name: `A sub ${uniqueSuffix()}`, parentId: parent.id }),
    createCatalogEntry(api!.baseUrl, a!.sessions.admin.accessToken, 'categories', { name: `B sub ${uniqueSuffix()}`, parentId: parent.id }),
  ]);
  const children = await call<Page<Category>>(api!.baseUrl, `/api/v1/categories?parentId=${parent.id}`, { headers: as(a!, 'user') });
  assert.equal(ids(children.body), [first.id, second.id]);

  const topLevel = await call<Page<Category>>(api!.baseUrl, '/api/v1/categories?parentId=none&limit=100', { headers: as(a!) });
  assert.ok(topLevel.body.data.every((row) => row.parentId === null));

  const nested = await call<Problem>(api!.baseUrl, '/api/v1/categories', { method: 'POST', headers: as(a!), json: { name: 'Too deep', parentId: first.id } });
  assert.is(nested.status, 400, 'a subcategory takes no subcategories');
  assert.equal(nested.body.errors?.map((error) => error.path), ['/parentId']);
  const unknown = await call(api!.baseUrl, '/api/v1/categories', { method: 'POST', headers: as(a!), json: { name: 'Orphan', parentId: randomUUID() } });
  assert.is(unknown.status, 400);
});

test('refuses cycles: not under itself, not under its own subcategory, not with subcategories under another', async ({ api, a }) => {
  const token = a!.sessions.admin.accessToken;
  const [parent, other] = await Promise.all([createCatalogEntry(api!.baseUrl, token, 'categories'), createCatalogEntry(api!.baseUrl, token, 'categories')]);
  const child = await createCatalogEntry(api!.baseUrl, token, 'categories', { parentId: parent.id });
  const move = (id: string, parentId: string | null) => call<Category>(api!.baseUrl, `/api/v1/categories/${id}`, { method: 'PATCH', headers: as(a!), json: { parentId } });
  assert.is((await move(parent.id, parent.id)).status, 400);
  assert.is((await move(parent.id, child.id)).status, 400);
  assert.is((await move(parent.id, other.id)).status, 400);
  const moved = await move(child.id, other.id);
  assert.is(moved.status, 200, JSON.stringify(moved.body));
  assert.is(moved.body.parentId, other.id);
  const lifted = await move(child.id, null);
  assert.is(lifted.body.parentId, null);
  assert.is((await move(parent.id, other.id)).status, 200, 'without subcategories it may become one');
});

test('a stale If-Match is 412 and changes nothing; a fresh one goes through', async ({ api, a }) => {
  for (const collection of ['categories', 'services'] as const) {
    const entry = await createCatalogEntry(api!.baseUrl, a!.sessions.admin.accessToken, collection);
    const patch = (ifMatch: string, name: string) => call<CatalogEntry>(api!.baseUrl, `/api/v1/${collection}/${entry.id}`, { method: 'PATCH', headers: { ...as(a!), 'If-Match': ifMatch }, json: { name } });
    const ok = await patch('"0"', 'Renamed once');
    assert.is(ok.status, 200, JSON.stringify(ok.body));
    assert.is(ok.headers.get('etag'), '"1"');
    const stale = await patch('"0"', 'Renamed twice');
    assert.is(stale.status, 412, `${collection}: ${JSON.stringify(stale.body)}`);
    const retire = await call(api!.baseUrl, `/api/v1/${collection}/${entry.id}/deactivate`, { method: 'POST', headers: { ...as(a!), 'If-Match': '"0"' } });
    assert.is(retire.status, 412);
    const now = await call<CatalogEntry>(api!.baseUrl, `/api/v1/${collection}/${entry.id}`, { headers: as(a!) });
    assert.equal([now.body.name, now.body.active, now.body.version], ['Renamed once', true, 1]);
  }
});

test('services: criticality defaults to medium; the owner must be a team of the tenant', async ({ api, a, b }) => {
  const plain = await call<Service>(api!.baseUrl, '/api/v1/services', { method: 'POST', headers: as(a!), json: { name: `Email ${uniqueSuffix()}` } });
  assert.is(plain.status, 201, JSON.stringify(plain.body));
  assert.equal([plain.body.criticality, plain.body.ownerTeamId, plain.body.active], ['medium', null, true]);

  const owned = await call<Service>(api!.baseUrl, '/api/v1/services', { method: 'POST', headers: as(a!), json: { name: `VPN ${uniqueSuffix()}`, ownerTeamId: a!.team, criticality: 'high' } });
  assert.is(owned.status, 201);
  assert.equal([owned.body.criticality, owned.body.ownerTeamId], ['high', a!.team]);

  const foreign = await call<Problem>(api!.baseUrl, '/api/v1/services', { method: 'POST', headers: as(a!), json: { name: 'Stolen', ownerTeamId: b!.team } });
  assert.is(foreign.status, 400, "another tenant's team is no team here");
  assert.equal(foreign.body.errors?.map((error) => error.path), ['/ownerTeamId']);

  const changed = await call<Service>(api!.baseUrl, `/api/v1/services/${owned.body.id}`, { method: 'PATCH', headers: as(a!), json: { ownerTeamId: null, criticality: 'low' } });
  assert.is(changed.status, 200);
  assert.equal([changed.body.criticality, changed.body.ownerTeamId, changed.body.version], ['low', null, 1]);
  assert.is((await call(api!.baseUrl, '/api/v1/services', { method: 'POST', headers: as(a!), json: { name: 'X', criticality: 'urgent' } })).status, 400);
});

test('retired entries stay for agents and vanish for requesters; reactivation brings them back', async ({ api, a }) => {
  for (const collection of ['categories', 'services'] as const) {
    const entry = await createCatalogEntry(api!.baseUrl, a!.sessions.admin.accessToken, collection);
    const retired = await setCatalogEntryActive(api!.baseUrl, a!.sessions.admin.accessToken, collection, entry.id, false);
    assert.equal([retired.active, retired.version], [false, 1]);
    const again = await setCatalogEntryActive(api!.baseUrl, a!.sessions.admin.accessToken, collection, entry.id, false);
    assert.is(again.version, 1, 'retiring twice records nothing');

    const read = (role: 'technician' | 'user') => call(api!.baseUrl, `/api/v1/${collection}/${entry.id}`, { headers: as(a!, role) });
    assert.is((await read('technician')).status, 200);
    assert.is((await read('user')).status, 404);
    const list = async (role: 'technician' | 'user', query: string) => ids((await call<Page<CatalogEntry>>(api!.baseUrl, `/api/v1/${collection}?limit=100${query}`, { headers: as(a!, role) })).body);
    assert.ok((await list('technician', '&active=false')).includes(entry.id));
    assert.not.ok((await list('technician', '&active=true')).includes(entry.id));
    assert.not.ok((await list('user', '')).includes(entry.id));
    assert.equal(await list('user', '&active=false'), [], 'a requester asking for retired entries gets none');

    await setCatalogEntryActive(api!.baseUrl, a!.sessions.admin.accessToken, collection, entry.id, true);
    assert.is((await read('user')).status, 200);
    assert.ok((await list('user', '&active=true')).includes(entry.id));
  }
});

test('only admins manage the catalog; every role reads it', async ({ api, a }) => {
  for (const collection of ['categories', 'services'] as const) {
    const entry = await createCatalogEntry(api!.baseUrl, a!.sessions.admin.accessToken, collection);
    for (const role of ['manager', 'technician', 'user'] as const) {
      assert.is((await call(api!.baseUrl, `/api/v1/${collection}`, { method: 'POST', headers: as(a!, role), json: { name: 'Nope' } })).status, 403, `${role} creating ${collection}`);
      assert.is((await call(api!.baseUrl, `/api/v1/${collection}/${entry.id}`, { method: 'PATCH', headers: as(a!, role), json: { name: 'Nope' } })).status, 403, `${role} renaming`);
      assert.is((await call(api!.baseUrl, `/api/v1/${collection}/${entry.id}/deactivate`, { method: 'POST', headers: as(a!, role) })).status, 403, `${role} retiring`);
      assert.is((await call(api!.baseUrl, `/api/v1/${collection}/${entry.id}`, { headers: as(a!, role) })).status, 200, `${role} reading`);
      assert.is((await call(api!.baseUrl, `/api/v1/${collection}`, { headers: as(a!, role) })).status, 200, `${role} listing`);
    }
    assert.is((await call(api!.baseUrl, `/api/v1/${collection}`)).status, 401);
  }
});

test("another tenant's entries answer 404 and never show in lists", async ({ api, a, b }) => {
  for (const collection of ['categories', 'services'] as const) {
    const theirs = await createCatalogEntry(api!.baseUrl, b!.sessions.admin.accessToken, collection);
    const retiredOfTheirs = await createRetiredEntry(api!.baseUrl, b!.sessions.admin.accessToken, collection);
    for (const id of [theirs.id, retiredOfTheirs.id]) {
      assert.is((await call(api!.baseUrl, `/api/v1/${collection}/${id}`, { headers: as(a!) })).status, 404);
      assert.is((await call(api!.baseUrl, `/api/v1/${collection}/${id}`, { method: 'PATCH', headers: as(a!), json: { name: 'Hijacked' } })).status, 404);
      assert.is((await call(api!.baseUrl, `/api/v1/${collection}/${id}/reactivate`, { method: 'POST', headers: as(a!) })).status, 404);
    }
    const listed = await call<Page<CatalogEntry>>(api!.baseUrl, `/api/v1/${collection}?limit=100`, { headers: as(a!) });
    assert.not.ok(JSON.stringify(listed.body).includes(theirs.id));
    assert.not.ok(JSON.stringify(listed.body).includes(retiredOfTheirs.id));
    const untouched = await call<CatalogEntry>(api!.baseUrl, `/api/v1/${collection}/${theirs.id}`, { headers: as(b!) });
    assert.equal([untouched.body.name, untouched.body.version], [theirs.name, 0]);
  }
  const theirParent = await createCatalogEntry(api!.baseUrl, b!.sessions.admin.accessToken, 'categories');
  const adopted = await call(api!.baseUrl, '/api/v1/categories', { method: 'POST', headers: as(a!), json: { name: 'Adopted', parentId: theirParent.id } });
  assert.is(adopted.status, 400, "another tenant's category is no parent here");
});

test('unknown fields, bad filters and bad ids are refused', async ({ api, a }) => {
  const entry = await createCatalogEntry(api!.baseUrl, a!.sessions.admin.accessToken, 'categories');
  const refusals: Array<[string, string, unknown]> = [
    ['POST', '/api/v1/categories', { name: 'Smuggler', tenantId: a!.id }],
    ['POST', '/api/v1/categories', { name: 'Smuggler', active: false }],
    ['POST', '/api/v1/services', { name: 'Smuggler', owner: 'me' }],
    ['PATCH', `/api/v1/categories/${entry.id}`, { active: false }],
    ['PATCH', `/api/v1/categories/${entry.id}`, { version: 7 }],
    ['POST', `/api/v1/categories/${entry.id}/deactivate`, { reason: 'old' }],
    ['GET', '/api/v1/categories?active=yes', undefined],
    ['GET', '/api/v1/categories?parentId=top', undefined],
    ['GET', '/api/v1/services?parentId=none', undefined],
    ['GET', '/api/v1/services?sort=-name', undefined],
    ['GET', '/api/v1/categories?cursor=forged', undefined],
  ];
  for (const [method, path, json] of refusals) {
    const response = await call<Problem>(api!.baseUrl, path, { method, headers: as(a!), ...(json !== undefined ? { json } : {}) });
    assert.is(response.status, 400, `${method} ${path} ${JSON.stringify(json)} → ${response.status}`);
    assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/);
  }
  assert.is((await call(api!.baseUrl, '/api/v1/categories/not-a-uuid', { headers: as(a!) })).status, 404);
  const after = await call<Category>(api!.baseUrl, `/api/v1/categories/${entry.id}`, { headers: as(a!) });
  assert.equal([after.body.active, after.body.version], [true, 0]);
});

test('lists page by name with a keyset cursor', async ({ api, a }) => {
  const token = a!.sessions.admin.accessToken;
  const parent = await createCatalogEntry(api!.baseUrl, token, 'categories');
  const names = ['Alpha', 'Bravo', 'Charlie'];
  const children = await Promise.all(names.map((name) => createCatalogEntry(api!.baseUrl, token, 'categories', { name, parentId: parent.id })));
  const first = await call<Page<Category>>(api!.baseUrl, `/api/v1/categories?parentId=${parent.id}&limit=2`, { headers: as(a!, 'user') });
  assert.equal(first.body.data.map((row) => row.name), ['Alpha', 'Bravo']);
  assert.type(first.body.nextCursor, 'string');
  const second = await call<Page<Category>>(api!.baseUrl, `/api/v1/categories?parentId=${parent.id}&limit=2&cursor=${first.body.nextCursor}`, { headers: as(a!, 'user') });
  assert.equal(second.body.data.map((row) => row.id), [children[2]!.id]);
  assert.is(second.body.nextCursor, null);
});

test.run();
