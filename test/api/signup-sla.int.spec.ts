import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { RunningApi } from '../support/api.js';
import { call, startApi } from '../support/api.js';
import { bearer, expectStatus, strongPassword, uniqueSuffix } from '../support/identity-fixtures.js';
import { targetsBody } from '../support/sla-fixtures.js';

// Tue 1 Dec 2026, 10:00 UTC: inside office hours in UTC and in Berlin.
const now = new Date('2026-12-01T10:00:00Z');

interface SignedUp {
  readonly tenant: { readonly id: string; readonly slug: string };
  readonly accessToken: string;
}
interface Calendar {
  readonly id: string;
  readonly name: string;
  readonly version: number;
  readonly calendar: { readonly timeZone: string; readonly week: Record<string, Array<{ start: string; end: string }>>; readonly holidays: string[] };
}
interface Policy {
  readonly id: string;
  readonly name: string;
  readonly version: number;
  readonly calendarId: string;
  readonly scope: Record<string, unknown>;
  readonly targets: Record<string, { firstResponseMinutes: number; resolutionMinutes: number }>;
}
interface SlaView {
  readonly policy: { readonly id: string; readonly version: number; readonly calendarId: string; readonly priority: string } | null;
  readonly clocks: { readonly firstResponse: { readonly state: string; readonly targetMinutes: number }; readonly resolution: { readonly state: string; readonly targetMinutes: number } } | null;
}
interface Problem {
  readonly status: number;
  readonly errors?: Array<{ path: string; message: string }>;
}

const test = suite<{ api?: RunningApi }>('signup: a new tenant starts with office hours and an SLA policy', {});

test.before(async (context) => {
  context.api = await startApi({ clock: () => now, environment: { RATE_LIMIT_PER_MINUTE: '100000', READ_YOUR_WRITES_TIMEOUT_MS: '10000' } });
});
test.after(async (context) => {
  await context.api?.close();
});

const signupBody = (label: string, extra: Record<string, unknown> = {}) => {
  const suffix = uniqueSuffix();
  return { organization: `${label} ${suffix}`, email: `owner-${suffix}@signup-sla.example`, password: strongPassword(), name: `Owner ${suffix}`, ...extra };
};

async function signUp(api: RunningApi, label: string, extra: Record<string, unknown> = {}): Promise<SignedUp> {
  return expectStatus(await call<SignedUp>(api.baseUrl, '/api/v1/signup', { method: 'POST', json: signupBody(label, extra) }), 201, 'signup').body;
}

async function listOf<T>(api: RunningApi, token: string, path: string): Promise<T[]> {
  return expectStatus(await call<{ data: T[] }>(api.baseUrl, path, { headers: bearer(token) }), 200, path).body.data;
}

async function openTicket(api: RunningApi, token: string, impact: string, urgency: string): Promise<string> {
  return expectStatus(await call<{ id: string }>(api.baseUrl, '/api/v1/tickets', { method: 'POST', headers: bearer(token), json: { type: 'incident', title: 'Mail is slow', impact, urgency } }), 201, 'open ticket').body.id;
}

const slaOf = async (api: RunningApi, token: string, ticketId: string): Promise<SlaView> => expectStatus(await call<SlaView>(api.baseUrl, `/api/v1/tickets/${ticketId}/sla`, { headers: bearer(token) }), 200, 'ticket sla').body;

test('a P2 opened right after signup runs under the starter policy, in UTC office hours', async ({ api }) => {
  const { accessToken } = await signUp(api!, 'Starter');
  const [calendar, ...otherCalendars] = await listOf<Calendar>(api!, accessToken, '/api/v1/business-calendars');
  assert.equal(otherCalendars, [], 'one calendar');
  const office = [{ start: '09:00', end: '17:00' }];
  assert.equal(calendar!.calendar, { timeZone: 'UTC', week: { mon: office, tue: office, wed: office, thu: office, fri: office, sat: [], sun: [] }, holidays: [] });
  const [policy, ...otherPolicies] = await listOf<Policy>(api!, accessToken, '/api/v1/sla-policies');
  assert.equal(otherPolicies, [], 'one policy');
  assert.equal([policy!.calendarId, policy!.scope], [calendar!.id, {}], 'tenant-wide, counted in the calendar');
  assert.equal(Object.keys(policy!.targets).sort(), ['P1', 'P2', 'P3', 'P4', 'P5']);

  const ticketId = await openTicket(api!, accessToken, 'medium', 'high');
  const sla = await slaOf(api!, accessToken, ticketId);
  assert.equal(sla.policy, { id: policy!.id, version: 1, calendarId: calendar!.id, calendarVersion: 1, priority: 'P2' });
  assert.equal([sla.clocks?.firstResponse.state, sla.clocks?.firstResponse.targetMinutes], ['running', policy!.targets.P2!.firstResponseMinutes]);
  assert.equal([sla.clocks?.resolution.state, sla.clocks?.resolution.targetMinutes], ['running', policy!.targets.P2!.resolutionMinutes]);
});

test('the time zone given at signup is the office hours’ zone', async ({ api }) => {
  const { accessToken } = await signUp(api!, 'Berlin', { timeZone: 'Europe/Berlin' });
  const calendars = await listOf<Calendar>(api!, accessToken, '/api/v1/business-calendars');
  assert.equal(calendars.map((calendar) => calendar.calendar.timeZone), ['Europe/Berlin']);
});

test('an unknown time zone is a 400 naming the field, and no tenant is made', async ({ api }) => {
  for (const timeZone of ['Mars/Olympus', '+01:00', '', 'Europe/Berlin; DROP']) {
    const body = signupBody('Nowhere', { timeZone });
    const refused = await call<Problem>(api!.baseUrl, '/api/v1/signup', { method: 'POST', json: body });
    assert.is(refused.status, 400, timeZone);
    assert.equal(refused.body.errors?.map((error) => error.path), ['/timeZone'], timeZone);
    assert.ok(refused.body.errors?.[0]?.message.includes('IANA time zone'), refused.body.errors?.[0]?.message);
    // Nothing was appended: once the zone is right, the organization still gets its slug unsuffixed.
    const accepted = expectStatus(await call<SignedUp>(api!.baseUrl, '/api/v1/signup', { method: 'POST', json: { ...body, timeZone: 'UTC' } }), 201, `signup after ${timeZone}`);
    assert.is(accepted.body.tenant.slug, body.organization.toLowerCase().replace(' ', '-'), 'the slug was not taken by the refused signup');
  }
  assert.is((await call(api!.baseUrl, '/api/v1/signup', { method: 'POST', json: signupBody('Long', { timeZone: 'x'.repeat(65) }) })).status, 400);
});

test('the starter calendar and policy are edited like any other, and new tickets follow the edit', async ({ api }) => {
  const { accessToken } = await signUp(api!, 'Editable');
  const [calendar] = await listOf<Calendar>(api!, accessToken, '/api/v1/business-calendars');
  const [policy] = await listOf<Policy>(api!, accessToken, '/api/v1/sla-policies');
  const early = [{ start: '07:00', end: '15:00' }];
  const revisedCalendar = await call<Calendar>(api!.baseUrl, `/api/v1/business-calendars/${calendar!.id}`, {
    method: 'PATCH',
    headers: { ...bearer(accessToken), 'If-Match': '"1"' },
    json: { name: 'Early shift', calendar: { timeZone: 'Europe/Lisbon', week: { mon: early, tue: early, wed: early, thu: early, fri: early }, holidays: ['2026-12-25'] } },
  });
  assert.equal([revisedCalendar.status, revisedCalendar.body.version, revisedCalendar.body.calendar.timeZone], [200, 2, 'Europe/Lisbon']);
  const revisedPolicy = await call<Policy>(api!.baseUrl, `/api/v1/sla-policies/${policy!.id}`, { method: 'PATCH', headers: { ...bearer(accessToken), 'If-Match': '"1"' }, json: { targets: targetsBody(2) } });
  assert.equal([revisedPolicy.status, revisedPolicy.body.version, revisedPolicy.body.targets.P2], [200, 2, targetsBody(2).P2]);

  const sla = await slaOf(api!, accessToken, await openTicket(api!, accessToken, 'medium', 'high'));
  assert.equal(sla.policy, { id: policy!.id, version: 2, calendarId: calendar!.id, calendarVersion: 2, priority: 'P2' });
  assert.is(sla.clocks?.firstResponse.targetMinutes, targetsBody(2).P2!.firstResponseMinutes);
});

test('a tenant-wide policy the admin defines takes over from the starter one', async ({ api }) => {
  const { accessToken } = await signUp(api!, 'Own policy');
  const [calendar] = await listOf<Calendar>(api!, accessToken, '/api/v1/business-calendars');
  const own = expectStatus(await call<Policy>(api!.baseUrl, '/api/v1/sla-policies', { method: 'POST', headers: bearer(accessToken), json: { name: 'Ours', calendarId: calendar!.id, targets: targetsBody(3) } }), 201, 'own policy').body;
  const sla = await slaOf(api!, accessToken, await openTicket(api!, accessToken, 'low', 'low'));
  assert.equal([sla.policy?.id, sla.clocks?.resolution.targetMinutes], [own.id, targetsBody(3).P5!.resolutionMinutes]);
});

test.run();
