import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { RunningApi } from '../support/api.js';
import { call, startApi } from '../support/api.js';
import type { Account } from '../support/identity-fixtures.js';
import { bearer, createGroup, createUser, expectStatus, login, signupTenant } from '../support/identity-fixtures.js';
import type { Scenario } from '../reporting/scenario.js';
import { writeScenario } from '../reporting/scenario.js';

interface Context {
  api?: RunningApi;
  admin?: string;
  technician?: string;
  agent?: Account;
  scenario?: Scenario;
}
const test = suite<Context>('reports API', {});

test.before(async (context) => {
  context.api = await startApi({ environment: { RATE_LIMIT_PER_MINUTE: '100000' } });
  const tenant = await signupTenant(context.api.baseUrl, 'Reports');
  context.admin = tenant.tokens.accessToken;
  const technician = await createUser(context.api.baseUrl, context.admin, 'technician');
  context.technician = (await login(context.api.baseUrl, tenant.slug, technician.email, technician.password)).accessToken;
  // Team one and the agent exist as the API makes them, so reports name them; team two is an id nothing names.
  context.agent = await createUser(context.api.baseUrl, context.admin, 'technician', 'agent');
  const teamOne = await createGroup(context.api.baseUrl, context.admin, 'teams', 'Network');
  context.scenario = await writeScenario(context.api.system.store, tenant.id, { teamOne, agent: context.agent.id });
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
    { teamId: teamOne, teamName: 'Network', tickets: 1, firstResponseMet: 1, firstResponseBreached: 0, firstResponseCompliance: 1, resolutionMet: 0, resolutionBreached: 1, resolutionCompliance: 0 },
    { teamId: teamTwo, teamName: null, tickets: 1, firstResponseMet: 0, firstResponseBreached: 1, firstResponseCompliance: 0, resolutionMet: 0, resolutionBreached: 0, resolutionCompliance: null },
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

test('rows grouped by agent or team carry the current name beside the id, in JSON and CSV', async (context) => {
  const agent = context.agent!;
  const byAgent = await report(context, `summary?${WEEK}&groupBy=agent`);
  assert.is(byAgent.status, 200, JSON.stringify(byAgent.body));
  assert.equal(byAgent.body.data, [
    { agentId: agent.id, agentName: agent.name, opened: 1, resolved: 1, closed: 0, cancelled: 0, reopened: 1, firstResponseBreached: 0, resolutionBreached: 1 },
    { agentId: null, agentName: null, opened: 2, resolved: 0, closed: 0, cancelled: 1, reopened: 0, firstResponseBreached: 1, resolutionBreached: 0 },
  ]);
  const mttr = await report(context, `mttr?${WEEK}&groupBy=agent`);
  assert.equal(mttr.body.data.map((row) => [row.agentId, row.agentName]), [[agent.id, agent.name]]);

  expectStatus(await call(context.api!.baseUrl, `/api/v1/teams/${context.scenario!.teamOne}`, { method: 'PATCH', headers: bearer(context.admin!), json: { name: 'Network, Floor 3' } }), 200, 'renaming the team');
  await context.api!.system.projections.catchUp();
  const csv = await report<string>(context, 'backlog?from=2026-11-03&to=2026-11-03&groupBy=team', { Accept: 'text/csv' });
  const lines = [`2026-11-03,${context.scenario!.teamOne},"Network, Floor 3",1`, `2026-11-03,${context.scenario!.teamTwo},,1`].sort();
  assert.is(csv.body, `day,teamId,teamName,openTickets\r\n${lines.join('\r\n')}\r\n`);
});

test('a forgotten agent is not named in reports', async (context) => {
  const agent = context.agent!;
  expectStatus(await call(context.api!.baseUrl, `/api/v1/users/${agent.id}/forget`, { method: 'POST', headers: bearer(context.admin!) }), 200, 'forgetting the agent');
  await context.api!.system.projections.catchUp();
  const json = await report(context, `summary?${WEEK}&groupBy=agent`);
  assert.equal(json.body.data[0]?.agentName, '[forgotten]');
  const csv = await report<string>(context, `sla?${WEEK}&groupBy=agent`, { Accept: 'text/csv' });
  assert.not.ok(JSON.stringify(json.body).includes(agent.name) || csv.body.includes(agent.name), csv.body);
  assert.match(csv.body, /\[forgotten\]/);
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
