import type { Knex } from 'knex';
import { ANALYST_ROLE } from '../../migrations/20261203_002_reporting_schema.js';

/**
 * The `reporting` schema's tables and views (documented column by column in docs/reporting.md).
 * The schema itself and its grants come from a migration; the default privileges it sets make
 * every table created here readable by the analysts' role, however often it is rebuilt.
 */
export const SCHEMA = 'reporting';

export const TICKET_FACTS = `${SCHEMA}.ticket_facts`;
export const TICKET_CLOCK_EVENTS = `${SCHEMA}.ticket_clock_events`;
export const TICKET_OPEN_INTERVALS = `${SCHEMA}.ticket_open_intervals`;
export const CALENDAR_VERSIONS = `${SCHEMA}.calendar_versions`;
export const ARTICLE_USAGE = `${SCHEMA}.article_usage`;
export const ARTICLE_VOTES = `${SCHEMA}.article_votes`;
export const TICKET_ARTICLE_LINKS = `${SCHEMA}.ticket_article_links`;
export const NAMES = `${SCHEMA}.names`;

export const DAILY_BACKLOG = `${SCHEMA}.daily_backlog`;
export const SLA_COMPLIANCE_WEEKLY = `${SCHEMA}.sla_compliance_weekly`;
export const AGENT_WORKLOAD = `${SCHEMA}.agent_workload`;

/** Every table the projection writes, in an order safe to drop. */
export const REPORTING_TABLES = [NAMES, TICKET_ARTICLE_LINKS, ARTICLE_VOTES, ARTICLE_USAGE, CALENDAR_VERSIONS, TICKET_OPEN_INTERVALS, TICKET_CLOCK_EVENTS, TICKET_FACTS] as const;
const VIEWS = [AGENT_WORKLOAD, SLA_COMPLIANCE_WEEKLY, DAILY_BACKLOG] as const;

const local = (qualified: string): string => qualified.slice(SCHEMA.length + 1);

export async function createReportingTables(knex: Knex): Promise<void> {
  const schema = () => knex.schema.withSchema(SCHEMA);
  await schema().createTable(local(TICKET_FACTS), (t) => {
    t.uuid('ticket_id').primary();
    t.uuid('tenant_id').notNullable();
    t.text('number').notNullable();
    t.text('type').notNullable();
    t.text('priority').notNullable();
    t.text('status').notNullable();
    t.uuid('category_id');
    t.uuid('service_id');
    t.uuid('team_id');
    t.uuid('assignee_id');
    t.uuid('requester_id').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('first_response_at', { useTz: true });
    t.timestamp('resolved_at', { useTz: true });
    t.uuid('resolved_by');
    t.timestamp('closed_at', { useTz: true });
    t.integer('reopen_count').notNullable().defaultTo(0);
    t.uuid('sla_policy_id');
    t.integer('sla_policy_version');
    t.uuid('sla_calendar_id');
    t.integer('sla_calendar_version');
    t.double('sla_warning_share');
    t.integer('first_response_target_minutes');
    t.integer('resolution_target_minutes');
    t.text('first_response_sla');
    t.text('resolution_sla');
    t.double('first_response_business_minutes');
    t.double('resolution_business_minutes');
    t.boolean('deleted').notNullable().defaultTo(false);
    t.timestamp('last_event_at', { useTz: true }).notNullable();
    t.integer('revision').notNullable();
    t.index(['tenant_id', 'created_at']);
    t.index(['tenant_id', 'resolved_at']);
    t.index(['tenant_id', 'assignee_id']);
  });
  await schema().createTable(local(TICKET_CLOCK_EVENTS), (t) => {
    t.uuid('ticket_id').notNullable();
    t.integer('revision').notNullable();
    t.uuid('tenant_id').notNullable();
    t.text('type').notNullable();
    t.timestamp('at', { useTz: true }).notNullable();
    // Kept as the event wrote it: the clock segments are built from the very string the SLA code reads.
    t.text('at_text').notNullable();
    t.uuid('author_id');
    t.boolean('internal');
    t.uuid('requester_id');
    t.primary(['ticket_id', 'revision']);
  });
  await schema().createTable(local(TICKET_OPEN_INTERVALS), (t) => {
    t.uuid('ticket_id').notNullable();
    // The stream revision of the event that opened the interval: a stable key across rebuilds.
    t.integer('opened_revision').notNullable();
    t.uuid('tenant_id').notNullable();
    t.text('type').notNullable();
    t.text('priority').notNullable();
    t.uuid('team_id');
    t.timestamp('opened_at', { useTz: true }).notNullable();
    t.timestamp('closed_at', { useTz: true });
    t.primary(['ticket_id', 'opened_revision']);
    t.index(['tenant_id', 'opened_at']);
  });
  await schema().createTable(local(CALENDAR_VERSIONS), (t) => {
    t.uuid('calendar_id').notNullable();
    t.integer('version').notNullable();
    t.uuid('tenant_id').notNullable();
    t.jsonb('calendar').notNullable();
    t.primary(['calendar_id', 'version']);
  });
  await schema().createTable(local(ARTICLE_USAGE), (t) => {
    t.uuid('article_id').primary();
    t.uuid('tenant_id').notNullable();
    t.text('title');
    t.text('status');
    t.integer('linked_tickets').notNullable().defaultTo(0);
    t.integer('helpful_votes').notNullable().defaultTo(0);
    t.integer('not_helpful_votes').notNullable().defaultTo(0);
    t.integer('comments').notNullable().defaultTo(0);
    t.timestamp('last_used_at', { useTz: true });
    t.index(['tenant_id']);
  });
  await schema().createTable(local(ARTICLE_VOTES), (t) => {
    t.uuid('article_id').notNullable();
    t.uuid('user_id').notNullable();
    t.uuid('tenant_id').notNullable();
    t.boolean('helpful').notNullable();
    t.primary(['article_id', 'user_id']);
  });
  await schema().createTable(local(TICKET_ARTICLE_LINKS), (t) => {
    t.uuid('ticket_id').notNullable();
    t.uuid('article_id').notNullable();
    t.uuid('tenant_id').notNullable();
    t.timestamp('linked_at', { useTz: true }).notNullable();
    t.primary(['ticket_id', 'article_id']);
    t.index(['article_id']);
  });
  await schema().createTable(local(NAMES), (t) => {
    // Teams, categories, services and people: ids are UUIDs, unique across the kinds.
    t.uuid('id').primary();
    t.text('kind').notNullable();
    t.uuid('tenant_id').notNullable();
    t.text('name').notNullable();
    t.integer('revision').notNullable();
  });
  await createViews(knex);
  // The migration's default privileges cover tables its own user creates; a deployment whose
  // projections run as another user still needs this.
  await knex.raw(`GRANT SELECT ON ALL TABLES IN SCHEMA ${SCHEMA} TO ${ANALYST_ROLE}`);
}

/**
 * Views over the tables above: derived at query time, so they hold nothing a rebuild could
 * change. Days and weeks are UTC. A ticket is in a day's backlog when it was open at the end of
 * that day; the series runs to today for tickets still open.
 */
async function createViews(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE VIEW ${DAILY_BACKLOG} AS
    SELECT i.tenant_id, d.day::date AS day, i.team_id, min(n.name) AS team_name, i.priority, count(*)::integer AS open_tickets
    FROM ${TICKET_OPEN_INTERVALS} i
    JOIN ${TICKET_FACTS} f ON f.ticket_id = i.ticket_id AND NOT f.deleted
    LEFT JOIN ${NAMES} n ON n.id = i.team_id
    CROSS JOIN LATERAL generate_series(
      date_trunc('day', i.opened_at AT TIME ZONE 'UTC'),
      date_trunc('day', coalesce(i.closed_at AT TIME ZONE 'UTC', (now() AT TIME ZONE 'UTC'))),
      interval '1 day') AS d(day)
    WHERE i.opened_at < (d.day + interval '1 day') AT TIME ZONE 'UTC'
      AND (i.closed_at IS NULL OR i.closed_at >= (d.day + interval '1 day') AT TIME ZONE 'UTC')
    GROUP BY i.tenant_id, d.day, i.team_id, i.priority`);
  await knex.raw(`
    CREATE VIEW ${SLA_COMPLIANCE_WEEKLY} AS
    SELECT tenant_id, date_trunc('week', created_at AT TIME ZONE 'UTC')::date AS week, team_id,
      (SELECT n.name FROM ${NAMES} n WHERE n.id = team_id) AS team_name,
      count(*) FILTER (WHERE first_response_sla = 'met')::integer AS first_response_met,
      count(*) FILTER (WHERE first_response_sla = 'breached')::integer AS first_response_breached,
      count(*) FILTER (WHERE resolution_sla = 'met')::integer AS resolution_met,
      count(*) FILTER (WHERE resolution_sla = 'breached')::integer AS resolution_breached
    FROM ${TICKET_FACTS}
    WHERE NOT deleted AND sla_policy_id IS NOT NULL
    GROUP BY tenant_id, week, team_id`);
  await knex.raw(`
    CREATE VIEW ${AGENT_WORKLOAD} AS
    SELECT tenant_id, assignee_id,
      (SELECT n.name FROM ${NAMES} n WHERE n.id = assignee_id) AS assignee_name,
      count(*) FILTER (WHERE status IN ('new', 'assigned', 'in_progress', 'pending'))::integer AS open_tickets,
      count(*) FILTER (WHERE status = 'pending')::integer AS pending_tickets,
      count(*) FILTER (WHERE status IN ('new', 'assigned', 'in_progress', 'pending') AND priority IN ('P1', 'P2'))::integer AS open_urgent_tickets,
      count(*) FILTER (WHERE resolved_at IS NOT NULL)::integer AS resolved_tickets,
      sum(reopen_count)::integer AS reopens
    FROM ${TICKET_FACTS}
    WHERE NOT deleted AND assignee_id IS NOT NULL
    GROUP BY tenant_id, assignee_id`);
}

export async function dropReportingTables(knex: Knex): Promise<void> {
  for (const view of VIEWS) await knex.raw(`DROP VIEW IF EXISTS ${view}`);
  for (const table of REPORTING_TABLES) await knex.schema.withSchema(SCHEMA).dropTableIfExists(local(table));
}
