import { randomUUID } from 'node:crypto';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { selectPolicy } from '../../src/domain/sla/index.js';
import { policyChoices } from '../../src/projections/sla/queries.js';
import type { RunningApi } from '../support/api.js';
import { call, startApi } from '../support/api.js';
import { createCatalogEntry } from '../support/catalog-fixtures.js';
import type { TenantFixture } from '../support/identity-fixtures.js';
import { bearer, setUpTenant, uniqueSuffix } from '../support/identity-fixtures.js';
import type { SlaEntry } from '../support/sla-fixtures.js';
import { calendarBody, createCalendar, createPolicy, policyBody, targetsBody } from '../support/sla-fixtures.js';

type Hours = Array<{ start: string; end: string }>;
interface Calendar extends SlaEntry {
  readonly calendar: { timeZone: string; week: Record<string, Hours>; holidays: string[] };
  readonly createdAt: string;
  readonly updatedAt: string;
}
interface Policy extends SlaEntry {
  readonly calendarId: string;
  readonly scope: Record<string, string>;
  readonly targets: Record<string, { firstResponseMinutes: number; resolutionMinutes: number }>;
  readonly warningShare: number;
  readonly escalation: Record<string, unknown>;
}
interface Page<T> {
  readonly data: T[];
  readonly nextCursor: string | null;
}
interface Problem {
  readonly status: number;
  readonly errors?: Array<{ path: string; message: string }>;
  readonly policyIds?: string[];
  readonly currentVersion?: number;
}

const test = suite<{ api?: RunningApi; a?: TenantFixture; b?: TenantFixture }>('SLA administration over HTTP', {});

test.before(async (context) => {
  context.api = await startApi({ environment: { LOGIN_LIMIT_PER_ADDRESS: '10000', RATE_LIMIT_PER_MINUTE: '100000', READ_YOUR_WRITES_TIMEOUT_MS: '10000' } });
  [context.a, context.b] = await Promise.all([setUpTenant(context.api.baseUrl, 'SLA A'), setUpTenant(context.api.baseUrl, 'SLA B')]);
});
test.after(async (context) => {
  await context.api?.close();
});

const as = (tenant: TenantFixture, role: keyof TenantFixture['sessions'] = 'admin') => bearer(tenant.sessions[role].accessToken);
const token = (tenant: TenantFixture) => tenant.sessions.admin.accessToken;
const paths = (problem: Problem): string[] => (problem.errors ?? []).map((error) => error.path);
const office: Hours = [{ start: '08:00', end: '17:00' }];

test('an admin defines a Berlin office calendar; agents read it with its version', async ({ api, a }) => {
  const created = await call<Calendar>(api!.baseUrl, '/api/v1/business-calendars', {
    method: 'POST',
    headers: as(a!),
    json: { name: '  Berlin office ', calendar: { timeZone: 'Europe/Berlin', week: { mon: office, tue: office, wed: office, thu: office, fri: office }, holidays: ['2026-12-25', '2026-10-03'] } },
  });
  assert.is(created.status, 201, JSON.stringify(created.body));
  assert.is(created.headers.get('etag'), '"1"');
  assert.is(created.headers.get('location'), `/api/v1/business-calendars/${created.body.id}`);
  assert.equal([created.body.name, created.body.version, created.body.retired], ['Berlin office', 1, false]);
  assert.equal(created.body.calendar, {
    timeZone: 'Europe/Berlin',
    week: { mon: office, tue: office, wed: office, thu: office, fri: office, sat: [], sun: [] },
    holidays: ['2026-10-03', '2026-12-25'],
  });
  for (const role of ['manager', 'technician'] as const) {
    const read = await call<Calendar>(api!.baseUrl, `/api/v1/business-calendars/${created.body.id}`, { headers: as(a!, role) });
    assert.is(read.status, 200);
    assert.equal(read.body, created.body);
    assert.is(read.headers.get('etag'), '"1"');
  }
});

test('an unusable calendar is a 400 naming each problem by its path', async ({ api, a }) => {
  const refused = await call<Problem>(api!.baseUrl, '/api/v1/business-calendars', {
    method: 'POST',
    headers: as(a!),
    json: { name: 'Broken', calendar: { timeZone: 'Europe/Atlantis', week: { mon: [{ start: '17:00', end: '08:00' }], tue: [{ start: '25:00', end: '26:00' }] }, holidays: ['2026-13-01'] } },
  });
  assert.is(refused.status, 400, JSON.stringify(refused.body));
  assert.match(refused.headers.get('content-type') ?? '', /^application\/problem\+json/);
  assert.equal(paths(refused.body), ['/calendar/timeZone', '/calendar/week/mon/0', '/calendar/week/tue/0/start', '/calendar/week/tue/0/end', '/calendar/holidays/0', '/calendar/week']);
  const idle = await call<Problem>(api!.baseUrl, '/api/v1/business-calendars', { method: 'POST', headers: as(a!), json: { name: 'Never open', calendar: { timeZone: 'UTC', week: {} } } });
  assert.is(idle.status, 400);
  assert.equal(paths(idle.body), ['/calendar/week']);
});

test('a policy counts in a calendar of the tenant; defaults fill what is left out', async ({ api, a, b }) => {
  const calendar = await createCalendar(api!.baseUrl, token(a!));
  const created = await call<Policy>(api!.baseUrl, '/api/v1/sla-policies', { method: 'POST', headers: as(a!), json: policyBody(calendar.id, { name: 'Standard' }) });
  assert.is(created.status, 201, JSON.stringify(created.body));
  assert.is(created.headers.get('etag'), '"1"');
  assert.is(created.headers.get('location'), `/api/v1/sla-policies/${created.body.id}`);
  assert.equal(
    { name: created.body.name, version: created.body.version, calendarId: created.body.calendarId, scope: created.body.scope, targets: created.body.targets, warningShare: created.body.warningShare, escalation: created.body.escalation },
    { name: 'Standard', version: 1, calendarId: calendar.id, scope: {}, targets: targetsBody(), warningShare: 0.8, escalation: {} },
  );
  const read = await call<Policy>(api!.baseUrl, `/api/v1/sla-policies/${created.body.id}`, { headers: as(a!, 'technician') });
  assert.equal(read.body, created.body);

  const category = await createCatalogEntry(api!.baseUrl, token(a!), 'categories');
  const narrow = await call<Policy>(api!.baseUrl, '/api/v1/sla-policies', {
    method: 'POST',
    headers: as(a!),
    json: policyBody(calendar.id, {
      scope: { ticketType: 'incident', categoryId: category.id },
      warningShare: 0.5,
      escalation: { onWarning: { notifyUserIds: [a!.sessions.manager.id] }, onBreach: { notifyUserIds: [a!.sessions.manager.id], reassignTeamId: a!.team } },
    }),
  });
  assert.is(narrow.status, 201, JSON.stringify(narrow.body));
  assert.equal(narrow.body.scope, { ticketType: 'incident', categoryId: category.id });
  assert.equal(narrow.body.escalation, { onWarning: { notifyUserIds: [a!.sessions.manager.id] }, onBreach: { notifyUserIds: [a!.sessions.manager.id], reassignTeamId: a!.team } });

  // Another tenant's calendar, category, people and team are nothing here.
  const foreignCalendar = await createCalendar(api!.baseUrl, token(b!));
  const foreign = await call<Problem>(api!.baseUrl, '/api/v1/sla-policies', {
    method: 'POST',
    headers: as(a!),
    json: policyBody(foreignCalendar.id, { scope: { categoryId: randomUUID() }, escalation: { onBreach: { notifyUserIds: [b!.sessions.manager.id], reassignTeamId: b!.team } } }),
  });
  assert.is(foreign.status, 400, JSON.stringify(foreign.body));
  assert.equal(paths(foreign.body), ['/calendarId', '/scope/categoryId', '/escalation/onBreach/notifyUserIds/0', '/escalation/onBreach/reassignTeamId']);

  const badTargets = await call<Problem>(api!.baseUrl, '/api/v1/sla-policies', {
    method: 'POST',
    headers: as(a!),
    json: policyBody(calendar.id, { targets: { ...targetsBody(), P2: { firstResponseMinutes: 600, resolutionMinutes: 480 }, P4: { firstResponseMinutes: 0, resolutionMinutes: 60 } }, warningShare: 1.2 }),
  });
  assert.is(badTargets.status, 400);
  assert.equal(paths(badTargets.body), ['/targets/P2', '/targets/P4/firstResponseMinutes', '/warningShare']);
});

test('a revision is a new version; the earlier one stays readable under /versions', async ({ api, a }) => {
  const calendar = await createCalendar(api!.baseUrl, token(a!));
  const policy = await createPolicy(api!.baseUrl, token(a!), calendar.id);
  const tighter = { ...targetsBody(), P1: { firstResponseMinutes: 10, resolutionMinutes: 120 } };
  const revised = await call<Policy>(api!.baseUrl, `/api/v1/sla-policies/${policy.id}`, { method: 'PATCH', headers: { ...as(a!), 'If-Match': '"1"' }, json: { targets: tighter } });
  assert.is(revised.status, 200, JSON.stringify(revised.body));
  assert.is(revised.headers.get('etag'), '"2"');
  assert.equal([revised.body.version, revised.body.targets.P1, revised.body.name], [2, { firstResponseMinutes: 10, resolutionMinutes: 120 }, policy.name]);

  const first = await call<Policy & { definedAt: string }>(api!.baseUrl, `/api/v1/sla-policies/${policy.id}/versions/1`, { headers: as(a!, 'technician') });
  assert.is(first.status, 200);
  assert.equal([first.body.version, first.body.targets.P1, first.body.calendarId], [1, { firstResponseMinutes: 15, resolutionMinutes: 240 }, calendar.id]);
  assert.type(first.body.definedAt, 'string');
  const second = await call<Policy>(api!.baseUrl, `/api/v1/sla-policies/${policy.id}/versions/2`, { headers: as(a!, 'manager') });
  assert.equal([second.body.version, second.body.targets.P1], [2, { firstResponseMinutes: 10, resolutionMinutes: 120 }]);
  for (const version of ['3', '0', 'latest', '-1']) {
    assert.is((await call(api!.baseUrl, `/api/v1/sla-policies/${policy.id}/versions/${version}`, { headers: as(a!) })).status, 404, `version ${version}`);
  }

  const unchanged = await call<Policy>(api!.baseUrl, `/api/v1/sla-policies/${policy.id}`, { method: 'PATCH', headers: as(a!), json: { targets: tighter } });
  assert.equal([unchanged.status, unchanged.body.version], [200, 2], 'restating the current version makes no new one');

  const longFridays = calendarBody({ calendar: { timeZone: 'Europe/Berlin', week: { mon: office, tue: office, wed: office, thu: office, fri: [{ start: '08:00', end: '19:00' }] } } });
  const calendarRevised = await call<Calendar>(api!.baseUrl, `/api/v1/business-calendars/${calendar.id}`, { method: 'PATCH', headers: as(a!), json: { calendar: longFridays.calendar } });
  assert.is(calendarRevised.status, 200, JSON.stringify(calendarRevised.body));
  assert.equal([calendarRevised.body.version, calendarRevised.body.name, calendarRevised.body.calendar.week.fri, calendarRevised.body.calendar.holidays], [2, calendar.name, [{ start: '08:00', end: '19:00' }], []]);
  const original = await call<Calendar>(api!.baseUrl, `/api/v1/business-calendars/${calendar.id}/versions/1`, { headers: as(a!, 'technician') });
  assert.equal([original.body.version, original.body.calendar.week.fri, original.body.calendar.holidays], [1, office, ['2026-10-03']]);
});

test('a stale If-Match is 412 and changes nothing; a fresh one goes through', async ({ api, a }) => {
  const calendar = await createCalendar(api!.baseUrl, token(a!));
  const policy = await createPolicy(api!.baseUrl, token(a!), calendar.id);
  for (const [collection, id] of [['business-calendars', calendar.id], ['sla-policies', policy.id]] as const) {
    const patch = (ifMatch: string, name: string) => call<SlaEntry & Problem>(api!.baseUrl, `/api/v1/${collection}/${id}`, { method: 'PATCH', headers: { ...as(a!), 'If-Match': ifMatch }, json: { name } });
    assert.is((await patch('"1"', 'Renamed once')).status, 200);
    const stale = await patch('"1"', 'Renamed twice');
    assert.is(stale.status, 412, `${collection}: ${JSON.stringify(stale.body)}`);
    assert.is(stale.body.currentVersion, 2);
    const retire = await call(api!.baseUrl, `/api/v1/${collection}/${id}/retire`, { method: 'POST', headers: { ...as(a!), 'If-Match': '"1"' } });
    assert.is(retire.status, 412);
    const now = await call<SlaEntry>(api!.baseUrl, `/api/v1/${collection}/${id}`, { headers: as(a!) });
    assert.equal([now.body.name, now.body.version, now.body.retired], ['Renamed once', 2, false]);
    assert.is((await patch('"2"', 'Renamed twice')).status, 200);
  }
});

test('retiring: a calendar in use stays; retired ones are kept, listed apart, and take no new policies', async ({ api, a }) => {
  const calendar = await createCalendar(api!.baseUrl, token(a!));
  const policy = await createPolicy(api!.baseUrl, token(a!), calendar.id);
  const inUse = await call<Problem>(api!.baseUrl, `/api/v1/business-calendars/${calendar.id}/retire`, { method: 'POST', headers: as(a!) });
  assert.is(inUse.status, 409, JSON.stringify(inUse.body));
  assert.equal(inUse.body.policyIds, [policy.id]);

  const retiredPolicy = await call<Policy>(api!.baseUrl, `/api/v1/sla-policies/${policy.id}/retire`, { method: 'POST', headers: as(a!) });
  assert.is(retiredPolicy.status, 200, JSON.stringify(retiredPolicy.body));
  assert.equal([retiredPolicy.body.retired, retiredPolicy.body.version], [true, 1]);
  assert.is((await call(api!.baseUrl, `/api/v1/sla-policies/${policy.id}`, { method: 'PATCH', headers: as(a!), json: { name: 'Revived' } })).status, 409);

  const retiredCalendar = await call<Calendar>(api!.baseUrl, `/api/v1/business-calendars/${calendar.id}/retire`, { method: 'POST', headers: as(a!) });
  assert.is(retiredCalendar.status, 200, JSON.stringify(retiredCalendar.body));
  assert.is(retiredCalendar.body.retired, true);
  assert.is((await call(api!.baseUrl, `/api/v1/business-calendars/${calendar.id}/retire`, { method: 'POST', headers: as(a!) })).status, 200, 'retiring twice is no change');
  const onRetired = await call<Problem>(api!.baseUrl, '/api/v1/sla-policies', { method: 'POST', headers: as(a!), json: policyBody(calendar.id) });
  assert.is(onRetired.status, 400);
  assert.equal(paths(onRetired.body), ['/calendarId']);
  assert.is((await call(api!.baseUrl, `/api/v1/sla-policies/${policy.id}/versions/1`, { headers: as(a!, 'technician') })).status, 200, 'a retired policy keeps its versions');

  const ids = async (path: string) => (await call<Page<SlaEntry>>(api!.baseUrl, path, { headers: as(a!, 'technician') })).body.data.map((row) => row.id);
  assert.ok((await ids('/api/v1/business-calendars?retired=true&limit=100')).includes(calendar.id));
  assert.not.ok((await ids('/api/v1/business-calendars?retired=false&limit=100')).includes(calendar.id));
  assert.equal(await ids(`/api/v1/sla-policies?calendarId=${calendar.id}`), [policy.id]);
  assert.equal(await ids(`/api/v1/sla-policies?calendarId=${calendar.id}&retired=false`), []);
});

test('admins manage; managers and technicians read; requesters get nothing', async ({ api, a }) => {
  const calendar = await createCalendar(api!.baseUrl, token(a!));
  const policy = await createPolicy(api!.baseUrl, token(a!), calendar.id);
  for (const [collection, id, body] of [['business-calendars', calendar.id, calendarBody()], ['sla-policies', policy.id, policyBody(calendar.id)]] as const) {
    const base = `/api/v1/${collection}`;
    for (const role of ['manager', 'technician', 'user'] as const) {
      const reads = role === 'user' ? 403 : 200;
      assert.is((await call(api!.baseUrl, base, { headers: as(a!, role) })).status, reads, `${role} listing ${collection}`);
      assert.is((await call(api!.baseUrl, `${base}/${id}`, { headers: as(a!, role) })).status, reads, `${role} reading`);
      assert.is((await call(api!.baseUrl, `${base}/${id}/versions/1`, { headers: as(a!, role) })).status, reads, `${role} reading a version`);
      assert.is((await call(api!.baseUrl, base, { method: 'POST', headers: as(a!, role), json: body })).status, 403, `${role} creating`);
      assert.is((await call(api!.baseUrl, `${base}/${id}`, { method: 'PATCH', headers: as(a!, role), json: { name: 'Nope' } })).status, 403, `${role} revising`);
      assert.is((await call(api!.baseUrl, `${base}/${id}/retire`, { method: 'POST', headers: as(a!, role) })).status, 403, `${role} retiring`);
    }
    assert.is((await call(api!.baseUrl, base)).status, 401);
    const after = await call<SlaEntry>(api!.baseUrl, `${base}/${id}`, { headers: as(a!) });
    assert.equal([after.body.version, after.body.retired], [1, false]);
  }
});

test("another tenant's calendars and policies answer 404 and never show in lists", async ({ api, a, b }) => {
  const theirCalendar = await createCalendar(api!.baseUrl, token(b!));
  const theirPolicy = await createPolicy(api!.baseUrl, token(b!), theirCalendar.id);
  for (const [collection, id] of [['business-calendars', theirCalendar.id], ['sla-policies', theirPolicy.id]] as const) {
    const base = `/api/v1/${collection}`;
    assert.is((await call(api!.baseUrl, `${base}/${id}`, { headers: as(a!) })).status, 404);
    assert.is((await call(api!.baseUrl, `${base}/${id}/versions/1`, { headers: as(a!) })).status, 404);
    assert.is((await call(api!.baseUrl, `${base}/${id}`, { method: 'PATCH', headers: as(a!), json: { name: 'Hijacked' } })).status, 404);
    assert.is((await call(api!.baseUrl, `${base}/${id}/retire`, { method: 'POST', headers: as(a!) })).status, 404);
    assert.is((await call(api!.baseUrl, `${base}/${id}`, { headers: as(a!, 'technician') })).status, 404);
    const listed = await call<Page<SlaEntry>>(api!.baseUrl, `${base}?limit=100`, { headers: as(a!) });
    assert.not.ok(JSON.stringify(listed.body).includes(id));
    const untouched = await call<SlaEntry>(api!.baseUrl, `${base}/${id}`, { headers: as(b!) });
    assert.equal([untouched.body.version, untouched.body.retired], [1, false]);
  }
  assert.equal((await call<Page<Policy>>(api!.baseUrl, `/api/v1/sla-policies?calendarId=${theirCalendar.id}`, { headers: as(a!) })).body.data, []);
});

test('unknown fields, bad filters and bad ids are refused', async ({ api, a }) => {
  const calendar = await createCalendar(api!.baseUrl, token(a!));
  const policy = await createPolicy(api!.baseUrl, token(a!), calendar.id);
  const week = { mon: office };
  const refusals: Array<[string, string, unknown]> = [
    ['POST', '/api/v1/business-calendars', { ...calendarBody(), tenantId: a!.id }],
    ['POST', '/api/v1/business-calendars', { ...calendarBody(), version: 3 }],
    ['POST', '/api/v1/business-calendars', { name: 'Typo', calendar: { timeZone: 'UTC', week: { monday: office } } }],
    ['POST', '/api/v1/business-calendars', { name: 'Extra', calendar: { timeZone: 'UTC', week, holidays: [], vacations: [] } }],
    ['POST', '/api/v1/business-calendars', { name: 'Shape', calendar: { timeZone: 'UTC', week: { mon: [{ start: '08:00', end: '17:00', breakMinutes: 30 }] } } }],
    ['POST', '/api/v1/business-calendars', { name: 'No calendar' }],
    ['POST', '/api/v1/sla-policies', { ...policyBody(calendar.id), retired: true }],
    ['POST', '/api/v1/sla-policies', policyBody(calendar.id, { targets: { ...targetsBody(), P6: { firstResponseMinutes: 1, resolutionMinutes: 2 } } })],
    ['POST', '/api/v1/sla-policies', policyBody(calendar.id, { targets: { P1: { firstResponseMinutes: 1, resolutionMinutes: 2 } } })],
    ['POST', '/api/v1/sla-policies', policyBody(calendar.id, { scope: { priority: 'P1' } })],
    ['POST', '/api/v1/sla-policies', policyBody(calendar.id, { scope: { ticketType: 'outage' } })],
    ['POST', '/api/v1/sla-policies', policyBody(calendar.id, { escalation: { onBreach: { page: true } } })],
    ['POST', '/api/v1/sla-policies', policyBody('not-a-uuid')],
    ['PATCH', `/api/v1/sla-policies/${policy.id}`, { version: 7 }],
    ['PATCH', `/api/v1/sla-policies/${policy.id}`, { tenantId: a!.id }],
    ['PATCH', `/api/v1/business-calendars/${calendar.id}`, { timeZone: 'UTC' }],
    ['POST', `/api/v1/sla-policies/${policy.id}/retire`, { reason: 'old' }],
    ['GET', '/api/v1/sla-policies?retired=maybe', undefined],
    ['GET', '/api/v1/sla-policies?calendarId=berlin', undefined],
    ['GET', '/api/v1/business-calendars?calendarId=' + calendar.id, undefined],
    ['GET', '/api/v1/business-calendars?sort=-name', undefined],
    ['GET', '/api/v1/sla-policies?cursor=forged', undefined],
  ];
  for (const [method, path, json] of refusals) {
    const response = await call<Problem>(api!.baseUrl, path, { method, headers: as(a!), ...(json !== undefined ? { json } : {}) });
    assert.is(response.status, 400, `${method} ${path} ${JSON.stringify(json)} → ${response.status}`);
    assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/);
  }
  assert.is((await call(api!.baseUrl, '/api/v1/sla-policies/not-a-uuid', { headers: as(a!) })).status, 404);
  assert.is((await call(api!.baseUrl, `/api/v1/sla-policies/${randomUUID()}`, { headers: as(a!) })).status, 404);
  const after = await call<SlaEntry>(api!.baseUrl, `/api/v1/sla-policies/${policy.id}`, { headers: as(a!) });
  assert.equal([after.body.version, after.body.retired], [1, false]);
});

test('lists page by name with a keyset cursor', async ({ b, api }) => {
  const calendar = await createCalendar(api!.baseUrl, token(b!));
  const prefix = `Paging ${uniqueSuffix()}`;
  const created = await Promise.all(['Alpha', 'Bravo', 'Charlie'].map((name) => createPolicy(api!.baseUrl, token(b!), calendar.id, { name: `${prefix} ${name}` })));
  const first = await call<Page<Policy>>(api!.baseUrl, `/api/v1/sla-policies?calendarId=${calendar.id}&limit=2`, { headers: as(b!, 'technician') });
  assert.equal(first.body.data.map((row) => row.name), [`${prefix} Alpha`, `${prefix} Bravo`]);
  assert.type(first.body.nextCursor, 'string');
  const second = await call<Page<Policy>>(api!.baseUrl, `/api/v1/sla-policies?calendarId=${calendar.id}&limit=2&cursor=${first.body.nextCursor}`, { headers: as(b!, 'technician') });
  assert.equal(second.body.data.map((row) => row.id), [created[2]!.id]);
  assert.is(second.body.nextCursor, null);
});

test('the read model offers the policies in force to selection, and the most specific wins', async ({ api, b }) => {
  const calendar = await createCalendar(api!.baseUrl, token(b!));
  const [category, service] = await Promise.all([createCatalogEntry(api!.baseUrl, token(b!), 'categories'), createCatalogEntry(api!.baseUrl, token(b!), 'services')]);
  const byCategory = await createPolicy(api!.baseUrl, token(b!), calendar.id, { scope: { categoryId: category.id } });
  const byService = await createPolicy(api!.baseUrl, token(b!), calendar.id, { scope: { serviceId: service.id } });
  const knex = api!.system.db.knex;
  const ticket = { type: 'incident', categoryId: category.id, serviceId: service.id } as const;
  assert.is(selectPolicy(await policyChoices(knex, b!.id), ticket)?.id, byService.id);
  expectOk(await call(api!.baseUrl, `/api/v1/sla-policies/${byService.id}/retire`, { method: 'POST', headers: as(b!) }));
  assert.is(selectPolicy(await policyChoices(knex, b!.id), ticket)?.id, byCategory.id, 'a retired policy is no longer selected');
  const revised = expectOk(await call<Policy>(api!.baseUrl, `/api/v1/sla-policies/${byCategory.id}`, { method: 'PATCH', headers: as(b!), json: { warningShare: 0.9 } }));
  const selected = selectPolicy(await policyChoices(knex, b!.id), ticket);
  assert.equal(selected && { id: selected.id, version: selected.version, scope: selected.scope, retired: selected.retired }, { id: byCategory.id, version: revised.body.version, scope: { categoryId: category.id }, retired: false });
});

test('a rebuild from the log equals the live read models', async ({ api }) => {
  const { knex } = api!.system.db;
  const tables = ['business_calendars', 'business_calendar_versions', 'sla_policies', 'sla_policy_versions'];
  const snapshot = async () => Promise.all(tables.map((table) => knex(table).select('*').orderBy(table.endsWith('versions') ? ['id', 'version'] : ['id'])));
  await api!.system.projections.catchUp(['business_calendars', 'sla_policies']);
  const live = await snapshot();
  assert.ok(live.every((rows) => rows.length > 0));
  await api!.system.projections.rebuild('business_calendars');
  await api!.system.projections.rebuild('sla_policies');
  assert.equal(await snapshot(), live);
});

function expectOk<T>(response: { status: number; body: T }): { status: number; body: T } {
  assert.is(response.status, 200, JSON.stringify(response.body));
  return response;
}

test.run();
