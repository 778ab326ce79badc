import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { RunningApi } from '../support/api.js';
import { call, startApi } from '../support/api.js';
import { bearer, createUser, login, signupTenant } from '../support/identity-fixtures.js';
import type { Scenario } from '../reporting/scenario.js';
import { writeScenario } from '../reporting/scenario.js';

interface Context {
  api?: RunningApi;
  admin?: string;
  technician?: string;
  scenario?: Scenario;
}
const test = suite<Context>('reports API', {});

test.before(async (context) => {
  context.api = await startApi({ environment: { RATE_LIMIT_PER_MINUTE: '100000' } });
  const tenant = await signupTenant(context.api.baseUrl, 'Reports');
  context.admin = tenant.tokens.accessToken;
  const technician = await createUser(context.api.baseUrl, context.admin, 'technician');
  context.technician = (await login(context.api.baseUrl, tenant.slug, technician.email, technician.password)).accessToken;
  context.scenario = await writeScenario(context.api.system.store, tenant.id);
  await context.api.system.projections.catchUp();
});
test.after(async (context) => {
  await context.api?.close();
});

const WEEK = 'from=2026-11-02&to=2026-11-08';
const report = <T = { data: Array<Record<string, unknown>>; from: string; to: string; groupBy: string }>(context: Context, path: string, headers: Record<string, string> = {}) =>
  call<T>(context.api!.baseUrl, `/api/v1/reports/${path}`, { headers: { ...bearer(context.admin!), ...headers } });

test('summary by type: opened, resolved, cancelled, reopened and breached in the range', async (context) => {
  const answer = await report(context, `summary?${WEEK}&groupBy=type`);
  assert.is(answer.status, 200);
  assert.equal([answer.body.from, answer.body.to, answer.body.groupBy], ['2026-11-02', '2026-11-08', 'type']);
  assert.equal(answer.body.data, [{ type: 'incident', opened: 3, resolved: 1, closed: 0, cancelled: 1, reopened: 1, firstResponseBreached: 1, resolutionBreached: 1 }]);
});

test('backlog by day has every day, 0 included; by priority, where each ticket then stood', async (context) => {
  const byDay = await report(context, 'backlog?from=2026-11-01&to=2026-11-04');
  assert.equal(byDay.body.data, [
    { day: '2026-11-01', openTickets: 0 },
    { day: '2026-11-02', openTickets: 1 },
    { day: '2026-11-03', openTickets: 2 },
    { day: '2026-11-04', openTickets: 1 },
  ]);
  const byPriority = await report(context, 'backlog?from=2026-11-02&to=2026-11-04&groupBy=priority');
  assert.equal(byPriority.body.data, [
    { day: '2026-11-02', priority: 'P1', openTickets: 1 },
    { day: '2026-11-03', priority: 'P1', openTickets: 1 },
    { day: '2026-11-03', priority: 'P2', openTickets: 1 },
    { day: '2026-11-04', priority: 'P1', openTickets: 1 },
  ]);
});

test('SLA compliance by team and by week', async (context) => {
  const { teamOne, teamTwo } = context.scenario!;
  const byTeam = await report(context, `sla?${WEEK}&groupBy=team`);
  const expected = [
    { teamId: teamOne, tickets: 1, firstResponseMet: 1, firstResponseBreached: 0, firstResponseCompliance: 1, resolutionMet: 0, resolutionBreached: 1, resolutionCompliance: 0 },
    { teamId: teamTwo, tickets: 1, firstResponseMet: 0, firstResponseBreached: 1, firstResponseCompliance: 0, resolutionMet: 0, resolutionBreached: 0, resolutionCompliance: null },
  ].sort((x, y) => x.teamId.localeCompare(y.teamId));
  assert.equal(byTeam.body.data, expected);
  const byWeek = await report(context, `sla?${WEEK}`);
  assert.equal(byWeek.body.data, [
    { week: '2026-11-02', tickets: 2, firstResponseMet: 1, firstResponseBreached: 1, firstResponseCompliance: 0.5, resolutionMet: 0, resolutionBreached: 1, resolutionCompliance: 0 },
  ]);
});

test('mean time to respond and resolve, in business and wall-clock minutes', async (context) => {
  const answer = await report(context, `mttr?${WEEK}`);
  assert.is(answer.body.groupBy, 'priority');
  // A: responded in 30 business minutes, resolved in 300; opened Mon 09:00, resolved Tue 12:00 (27 h).
  assert.equal(answer.body.data, [{ priority: 'P2', resolved: 1, meanFirstResponseBusinessMinutes: 30, meanResolutionBusinessMinutes: 300, meanResolutionMinutes: 1620 }]);
});

test('Accept: text/csv answers the same rows as RFC 4180 CSV', async (context) => {
  const answer = await report<string>(context, `sla?${WEEK}`, { Accept: 'text/csv' });
  assert.is(answer.status, 200);
  assert.match(answer.headers.get('content-type') ?? '', /^text\/csv/);
  assert.match(answer.headers.get('content-disposition') ?? '', /attachment; filename="sla-2026-11-02-2026-11-08\.csv"/);
  assert.is(
    answer.body,
    'week,tickets,firstResponseMet,firstResponseBreached,firstResponseCompliance,resolutionMet,resolutionBreached,resolutionCompliance\r\n2026-11-02,2,1,1,0.5,0,1,0\r\n',
  );
  const empty = await report<string>(context, 'mttr?from=2025-01-01&to=2025-01-31', { Accept: 'text/csv' });
  assert.is(empty.body, 'priority,resolved,meanFirstResponseBusinessMinutes,meanResolutionBusinessMinutes,meanResolutionMinutes\r\n', 'a header line even without rows');
});

test('bad ranges and groupings are 400 problems naming the field', async (context) => {
  const cases: Array<[string, string]> = [
    ['summary?from=2026-13-01&to=2026-12-31', '/from'],
    ['summary?from=2026-02-30', '/from'],
    ['summary?from=2026-11-10&to=2026-11-01', '/to'],
    ['summary?from=2025-01-01&to=2026-01-02', '/from'],
    ['backlog?groupBy=week', '/groupBy'],
    ['mttr?groupBy=requester', '/groupBy'],
    ['sla?color=red', '/color'],
  ];
  for (const [path, field] of cases) {
    const answer = await report<{ status: number; errors: Array<{ path: string }> }>(context, path);
    assert.is(answer.status, 400, path);
    assert.match(answer.headers.get('content-type') ?? '', /problem\+json/);
    assert.ok(answer.body.errors.some((error) => error.path === field), `${path}: ${JSON.stringify(answer.body.errors)}`);
  }
  // 366 days is the most one report covers.
  assert.is((await report(context, 'summary?from=2025-01-01&to=2026-01-01')).status, 200);
});

test('technicians may not read reports; nobody anonymous', async (context) => {
  assert.is((await call(context.api!.baseUrl, `/api/v1/reports/summary?${WEEK}`, { headers: bearer(context.technician!) })).status, 403);
  assert.is((await call(context.api!.baseUrl, `/api/v1/reports/summary?${WEEK}`)).status, 401);
});

test.run();
