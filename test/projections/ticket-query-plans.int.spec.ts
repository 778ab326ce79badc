import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { TicketFilter } from '../../src/projections/tickets/queries.js';
import { ticketListQuery } from '../../src/projections/tickets/queries.js';
import { createTicketTables } from '../../src/projections/tickets/tables.js';
import type { TestDatabase } from '../support/database.js';
import { createTestDatabase } from '../support/database.js';

const TENANT = '00000000-0000-4000-8000-000000000007';
const ROWS = 100_000;
const test = suite<{ database?: TestDatabase }>('ticket list query plans on 100k projected tickets', {});

test.before(async (context) => {
  context.database = await createTestDatabase();
  const { knex } = context.database.db;
  await createTicketTables(knex);
  // 100k tickets over 20 tenants, with spread-out owners, teams and categories, as a busy desk would have.
  await knex.raw(`
    INSERT INTO tickets (id, tenant_id, number, type, title, description, status, impact, urgency, priority, requester_id, assignee_id, team_id,
                         category_id, tags, asset_ids, watcher_ids, created_at, updated_at, version)
    SELECT gen_random_uuid(),
           ('00000000-0000-4000-8000-0000000000' || lpad((g % 20)::text, 2, '0'))::uuid,
           'INC-' || lpad(g::text, 6, '0'),
           (ARRAY['incident','service_request','problem','change'])[1 + g % 4],
           'Ticket ' || g, '',
           (ARRAY['new','assigned','in_progress','pending','resolved','closed','cancelled'])[1 + (g / 7) % 7],
           'medium', 'medium',
           (ARRAY['P1','P2','P3','P4','P5'])[1 + (g / 3) % 5],
           ('00000000-0000-4000-9000-' || lpad((g % 2000)::text, 12, '0'))::uuid,
           ('00000000-0000-4000-a000-' || lpad((g % 300)::text, 12, '0'))::uuid,
           ('00000000-0000-4000-b000-' || lpad((g % 40)::text, 12, '0'))::uuid,
           ('00000000-0000-4000-c000-' || lpad((g % 60)::text, 12, '0'))::uuid,
           ARRAY['tag' || (g % 200)], '{}', '{}',
           now() - (g || ' minutes')::interval, now() - ((g % 5000) || ' minutes')::interval, 0
    FROM generate_series(1, ${ROWS}) AS g`);
  await knex.raw('ANALYZE tickets');
});
test.after(async (context) => {
  await context.database?.drop();
});

const base: TicketFilter = { limit: 25, sort: '-createdAt', count: false };
const filters: Record<string, Partial<TicketFilter>> = {
  'no filter': {},
  status: { status: ['pending'] },
  type: { type: ['change'] },
  priority: { priority: ['P1'] },
  assigneeId: { assigneeId: '00000000-0000-4000-a000-000000000007' },
  teamId: { teamId: '00000000-0000-4000-b000-000000000007' },
  requesterId: { requesterId: '00000000-0000-4000-9000-000000000007' },
  categoryId: { categoryId: '00000000-0000-4000-c000-000000000007' },
  tag: { tag: 'tag7' },
  'created range': { createdFrom: new Date(Date.now() - 86_400_000 * 10).toISOString(), createdTo: new Date(Date.now() - 86_400_000 * 9).toISOString() },
  'updated range': { updatedFrom: new Date(Date.now() - 3_600_000).toISOString() },
  'sorted by update': { sort: '-updatedAt' },
};

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

function nodesOf(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(nodesOf)];
}

test('no list filter makes PostgreSQL read the tickets table sequentially', async ({ database }) => {
  const { knex } = database!.db;
  const problems: string[] = [];
  for (const [name, filter] of Object.entries(filters)) {
    const scope = { tenantId: TENANT, requesterId: null };
    for (const [kind, query] of Object.entries(ticketListQuery(knex, scope, { ...base, ...filter }))) {
      const { sql, bindings } = query.toSQL();
      const result = await knex.raw<{ rows: Array<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }> }>(`EXPLAIN (FORMAT JSON) ${sql}`, bindings as readonly string[]);
      const plan = result.rows[0]!['QUERY PLAN'][0]!.Plan;
      const scans = nodesOf(plan).filter((node) => node['Node Type'] === 'Seq Scan' && node['Relation Name'] === 'tickets');
      if (scans.length > 0) problems.push(`${name} (${kind})`);
    }
  }
  assert.equal(problems, [], `sequential scans for: ${problems.join(', ')}`);
});

test.run();
