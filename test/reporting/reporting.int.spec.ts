import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { Knex } from 'knex';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { reportingProjection } from '../../src/projections/reporting/index.js';
import { REPORTING_TABLES, TICKET_FACTS } from '../../src/projections/reporting/tables.js';
import { ProjectionRunner } from '../../src/projections/runner.js';
import type { RunningApi } from '../support/api.js';
import { call, startApi } from '../support/api.js';
import { createArticle } from '../support/article-fixtures.js';
import { serverUrl } from '../support/database.js';
import { bearer, expectStatus, signupTenant } from '../support/identity-fixtures.js';
import { silentLogger } from '../support/logger.js';
import type { Scenario } from './scenario.js';
import { writeScenario } from './scenario.js';

interface Context {
  api?: RunningApi;
  scenario?: Scenario;
}

const test = suite<Context>('reporting schema', {});

test.before(async (context) => {
  context.api = await startApi({ environment: { RATE_LIMIT_PER_MINUTE: '100000' } });
  const tenant = await signupTenant(context.api.baseUrl, 'Reporting');
  context.scenario = await writeScenario(context.api.system.store, tenant.id);
  // Some traffic through the real API too, so that the rebuild covers events as the handlers write them.
  const { baseUrl } = context.api;
  const admin = tenant.tokens.accessToken;
  const ticket = expectStatus(await call<{ id: string }>(baseUrl, '/api/v1/tickets', { method: 'POST', headers: bearer(admin), json: { type: 'incident', title: 'VPN drops', impact: 'low', urgency: 'low' } }), 201, 'ticket');
  expectStatus(await call(baseUrl, `/api/v1/tickets/${ticket.body.id}/comments`, { method: 'POST', headers: bearer(admin), json: { body: 'Looking into it.' } }), 201, 'comment');
  const article = await createArticle(baseUrl, admin, 'published');
  expectStatus(await call(baseUrl, `/api/v1/tickets/${ticket.body.id}/articles`, { method: 'POST', headers: bearer(admin), json: { articleId: article.id } }), 201, 'article link');
  expectStatus(await call(baseUrl, `/api/v1/articles/${article.id}/feedback`, { method: 'POST', headers: bearer(admin), json: { helpful: true } }), 200, 'feedback');
  await context.api.system.projections.catchUp();
});
test.after(async (context) => {
  await context.api?.close();
});

interface FactsRow {
  status: string;
  priority: string;
  team_id: string | null;
  assignee_id: string | null;
  created_at: Date;
  first_response_at: Date | null;
  resolved_at: Date | null;
  closed_at: Date | null;
  reopen_count: number;
  first_response_sla: string | null;
  resolution_sla: string | null;
  first_response_business_minutes: number | null;
  resolution_business_minutes: number | null;
  first_response_target_minutes: number | null;
  resolution_target_minutes: number | null;
}

const facts = async (knex: Knex, ticketId: string) => (await knex(TICKET_FACTS).where({ ticket_id: ticketId }).first()) as FactsRow;
const iso = (value: Date | null) => (value === null ? null : new Date(value).toISOString());

test('a ticket responded to, paused, resolved, reopened and resolved late has the figures the SLA clocks give', async ({ api, scenario }) => {
  const row = await facts(api!.system.db.knex, scenario!.tickets.a);
  assert.equal(
    [row.status, row.priority, row.team_id, row.assignee_id, row.reopen_count, iso(row.created_at), iso(row.first_response_at), iso(row.resolved_at), iso(row.closed_at)],
    ['resolved', 'P2', scenario!.teamOne, scenario!.agent, 1, '2026-11-02T09:00:00.000Z', '2026-11-02T09:30:00.000Z', '2026-11-03T12:00:00.000Z', null],
  );
  // First response 09:00–09:30; resolution Mon 09:00–10:00 and 11:00–12:00, then Tue 09:00–12:00.
  assert.equal([row.first_response_sla, row.first_response_business_minutes, row.first_response_target_minutes], ['met', 30, 60]);
  assert.equal([row.resolution_sla, row.resolution_business_minutes, row.resolution_target_minutes], ['breached', 300, 240]);
});

test('an unanswered ticket whose breach the scheduler recorded reads breached while its other clock still runs', async ({ api, scenario }) => {
  const row = await facts(api!.system.db.knex, scenario!.tickets.b);
  assert.equal(
    [row.status, row.first_response_sla, row.first_response_business_minutes, row.first_response_at, row.resolution_sla, row.resolution_business_minutes],
    ['new', 'breached', null, null, null, null],
  );
});

test('a ticket without an SLA has no verdicts, and a cancellation ends it', async ({ api, scenario }) => {
  const row = await facts(api!.system.db.knex, scenario!.tickets.c);
  assert.equal([row.status, row.priority, iso(row.closed_at), row.first_response_sla, row.resolution_sla], ['cancelled', 'P2', '2026-11-04T10:00:00.000Z', null, null]);
});

test('the daily backlog counts tickets open at the end of each day, where they then stood', async ({ api, scenario }) => {
  const knex = api!.system.db.knex;
  const rows = (
    await knex.raw<{ rows: Array<{ day: string; team_id: string; priority: string; open_tickets: number }> }>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, team_id, priority, open_tickets FROM reporting.daily_backlog WHERE tenant_id = ? AND day BETWEEN '2026-11-02' AND '2026-11-04' ORDER BY day, priority`,
      [scenario!.tenantId],
    )
  ).rows;
  const { teamOne, teamTwo } = scenario!;
  assert.equal(
    rows.map((row) => [row.day, row.team_id, row.priority, row.open_tickets]),
    [
      ['2026-11-02', teamTwo, 'P1', 1],
      ['2026-11-03', teamTwo, 'P1', 1],
      ['2026-11-03', teamOne, 'P2', 1],
      ['2026-11-04', teamTwo, 'P1', 1],
    ],
  );
});

test('weekly SLA compliance per team counts each verdict once', async ({ api, scenario }) => {
  // The scripted week only: the ticket opened over the API today runs under the tenant's starter policy.
  const rows = (
    await api!.system.db.knex.raw<{ rows: Array<Record<string, unknown>> }>(
      `SELECT to_char(week, 'YYYY-MM-DD') AS week, team_id, first_response_met, first_response_breached, resolution_met, resolution_breached FROM reporting.sla_compliance_weekly WHERE tenant_id = ? AND week = '2026-11-02' ORDER BY first_response_met DESC`,
      [scenario!.tenantId],
    )
  ).rows;
  assert.equal(rows, [
    { week: '2026-11-02', team_id: scenario!.teamOne, first_response_met: 1, first_response_breached: 0, resolution_met: 0, resolution_breached: 1 },
    { week: '2026-11-02', team_id: scenario!.teamTwo, first_response_met: 0, first_response_breached: 1, resolution_met: 0, resolution_breached: 0 },
  ]);
});

test('agent workload and article usage are kept per tenant', async ({ api, scenario }) => {
  const knex = api!.system.db.knex;
  const workload = (await knex.raw<{ rows: Array<Record<string, unknown>> }>(`SELECT open_tickets, resolved_tickets, reopens FROM reporting.agent_workload WHERE assignee_id = ?`, [scenario!.agent])).rows;
  assert.equal(workload, [{ open_tickets: 0, resolved_tickets: 1, reopens: 1 }]);
  const usage = (await knex.raw<{ rows: Array<Record<string, unknown>> }>(`SELECT status, linked_tickets, helpful_votes, not_helpful_votes FROM reporting.article_usage WHERE tenant_id <> ?`, [scenario!.tenantId])).rows;
  assert.equal(usage, []);
  const ours = (await knex.raw<{ rows: Array<Record<string, unknown>> }>(`SELECT status, linked_tickets, helpful_votes, not_helpful_votes FROM reporting.article_usage WHERE tenant_id = ?`, [scenario!.tenantId])).rows;
  assert.equal(ours, [{ status: 'published', linked_tickets: 1, helpful_votes: 1, not_helpful_votes: 0 }]);
});

/** Every reporting table, each row as text, in text order: what "byte-identical" is judged on. */
async function dumpReporting(knex: Knex): Promise<Record<string, string[]>> {
  const dump: Record<string, string[]> = {};
  for (const table of REPORTING_TABLES) {
    dump[table] = (await knex.raw<{ rows: Array<{ line: string }> }>(`SELECT t::text AS line FROM ${table} t ORDER BY 1`)).rows.map((row) => row.line);
  }
  return dump;
}

test('rebuilding every projection from the log yields byte-identical reporting tables', async ({ api }) => {
  const { knex } = api!.system.db;
  const before = await dumpReporting(knex);
  assert.ok(Object.values(before).every((lines) => lines.length > 0), 'every table has rows to compare');
  for (const name of api!.system.projections.names) await api!.system.projections.rebuild(name);
  assert.equal(await dumpReporting(knex), before);
});

test('replayed one event per batch, the reporting tables come out byte-identical too', async ({ api }) => {
  const { system } = api!;
  const before = await dumpReporting(system.db.knex);
  // The live runner stands aside so that every batch really is one event long.
  await system.projections.stop();
  try {
    const oneByOne = new ProjectionRunner({ db: system.db, store: system.store, projections: [reportingProjection], logger: silentLogger, batchSize: 1 });
    await oneByOne.rebuild('reporting');
  } finally {
    system.projections.start();
  }
  assert.equal(await dumpReporting(system.db.knex), before);
});

test('itsm_analyst reads the reporting schema and nothing in public (as its role, in a transaction)', async ({ api }) => {
  await api!.system.db.knex.transaction(async (trx) => {
    await trx.raw('SET LOCAL ROLE itsm_analyst');
    const facts = await trx.raw<{ rows: Array<{ count: string | number }> }>(`SELECT count(*) FROM ${TICKET_FACTS}`);
    assert.ok(Number(facts.rows[0]?.count) >= 4);
    await trx.raw('SAVEPOINT refused');
    const refusal = await trx.raw('SELECT 1 FROM public.es_events LIMIT 1').then(
      () => null,
      (error: unknown) => (error as { code?: string }).code,
    );
    assert.is(refusal, '42501', 'permission denied');
    await trx.raw('ROLLBACK TO SAVEPOINT refused');
    const write = await trx.raw(`DELETE FROM ${TICKET_FACTS}`).then(
      () => null,
      (error: unknown) => (error as { code?: string }).code,
    );
    assert.is(write, '42501', 'read-only');
  });
});

// A second login needs a server: PGlite is one in-process connection, so there the role is
// checked only through SET ROLE (the test above), which exercises the same grants.
const databaseUrl = serverUrl;
if (databaseUrl) {
  test('a login granted itsm_analyst connects and sees the reporting schema only', async ({ api }) => {
    const config = api!.system.config.database;
    assert.is(config.kind, 'postgres');
    const login = `itsm_analyst_probe_${randomBytes(4).toString('hex')}`;
    const { knex } = api!.system.db;
    await knex.raw(`CREATE ROLE ${login} LOGIN IN ROLE itsm_analyst`);
    const url = new URL(config.kind === 'postgres' ? config.url : databaseUrl);
    url.username = login;
    url.password = '';
    const client = new pg.Client({ connectionString: url.toString() });
    try {
      await client.connect();
      const rows = await client.query<{ count: string }>(`SELECT count(*) FROM ${TICKET_FACTS}`);
      assert.ok(Number(rows.rows[0]?.count) >= 4);
      const refusal = await client.query('SELECT 1 FROM public.es_events LIMIT 1').then(
        () => null,
        (error: unknown) => (error as { code?: string }).code,
      );
      assert.is(refusal, '42501');
    } finally {
      await client.end();
      await knex.raw(`DROP ROLE ${login}`);
    }
  });
}

test.run();
