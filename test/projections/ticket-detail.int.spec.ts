import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { TicketDetailView } from '../../src/projections/tickets/queries.js';
import { getTicket } from '../../src/projections/tickets/queries.js';
import { createTicketTables, dropTicketTables } from '../../src/projections/tickets/tables.js';
import type { TestDatabase } from '../support/database.js';
import { createTestDatabase } from '../support/database.js';

const TENANT = '00000000-0000-4000-8000-000000000001';
const OTHER_TENANT = '00000000-0000-4000-8000-000000000002';
const REQUESTER = '00000000-0000-4000-9000-000000000001';
const TICKET = '10000000-0000-4000-8000-000000000001';
const BARE = '10000000-0000-4000-8000-000000000002';
const DELETED = '10000000-0000-4000-8000-000000000003';
const FOREIGN = '10000000-0000-4000-8000-000000000004';
const APPROVER_A = '20000000-0000-4000-8000-00000000000a';
const APPROVER_B = '20000000-0000-4000-8000-00000000000b';

const test = suite<{ database?: TestDatabase }>('ticket detail view (one statement)', {});

test.before(async (context) => {
  context.database = await createTestDatabase();
  const { knex } = context.database.db;
  await createTicketTables(knex);
  const ticket = (id: string, tenantId: string, number: string, deleted: boolean) => ({
    id,
    tenant_id: tenantId,
    number,
    type: 'incident',
    title: `Printer ${number}`,
    description: 'does not start',
    status: 'in_progress',
    impact: 'medium',
    urgency: 'high',
    priority: 'P2',
    requester_id: REQUESTER,
    tags: ['printer'],
    asset_ids: [],
    watcher_ids: [],
    deleted,
    created_at: '2026-03-01T08:00:00.123Z',
    updated_at: '2026-03-02T09:30:00.456Z',
    version: 4,
  });
  await knex('tickets').insert([ticket(TICKET, TENANT, 'INC-000001', false), ticket(BARE, TENANT, 'INC-000002', false), ticket(DELETED, TENANT, 'INC-000003', true), ticket(FOREIGN, OTHER_TENANT, 'INC-000001', false)]);
  // Inserted out of order, with sub-millisecond parts the view truncates like the row's own columns.
  await knex('ticket_links').insert([
    { id: '30000000-0000-4000-8000-000000000002', ticket_id: TICKET, tenant_id: TENANT, kind: 'relates_to', target_id: BARE, created_at: '2026-03-01T10:00:00.999999Z' },
    { id: '30000000-0000-4000-8000-000000000001', ticket_id: TICKET, tenant_id: TENANT, kind: 'caused_by', target_id: FOREIGN, created_at: '2026-03-01T09:00:00.5+02:00' },
  ]);
  await knex('ticket_approvals').insert([
    { ticket_id: TICKET, approver_id: APPROVER_B, tenant_id: TENANT, decision: null, comment: null, requested_at: '2026-03-01T08:00:00Z', decided_at: null },
    { ticket_id: TICKET, approver_id: APPROVER_A, tenant_id: TENANT, decision: 'approved', comment: 'fine "by" me', requested_at: '2026-03-01T08:00:00Z', decided_at: '2026-03-01T11:00:00.007Z' },
  ]);
  await knex('ticket_attachments').insert([
    { id: '40000000-0000-4000-8000-000000000002', ticket_id: TICKET, tenant_id: TENANT, sha256: 'b'.repeat(64), size: 26_214_400, media_type: 'image/png', filename: 'screen.png', uploaded_by: REQUESTER, created_at: '2026-03-01T12:00:00Z' },
    { id: '40000000-0000-4000-8000-000000000001', ticket_id: TICKET, tenant_id: TENANT, sha256: 'a'.repeat(64), size: 12, media_type: 'text/plain', filename: 'log.txt', uploaded_by: REQUESTER, created_at: '2026-03-01T12:00:00Z' },
    { id: '40000000-0000-4000-8000-000000000003', ticket_id: TICKET, tenant_id: TENANT, sha256: 'c'.repeat(64), size: 0, media_type: 'text/plain', filename: 'empty.txt', uploaded_by: REQUESTER, created_at: '2026-03-01T11:59:59Z' },
  ]);
});

test.after(async (context) => {
  await context.database?.drop();
});

const scope = { tenantId: TENANT, requesterId: null };

const expected: TicketDetailView = {
  id: TICKET,
  number: 'INC-000001',
  type: 'incident',
  title: 'Printer INC-000001',
  description: 'does not start',
  status: 'in_progress',
  impact: 'medium',
  urgency: 'high',
  priority: 'P2',
  priorityOverridden: false,
  requesterId: REQUESTER,
  assigneeId: null,
  teamId: null,
  categoryId: null,
  serviceId: null,
  tags: ['printer'],
  assetIds: [],
  watcherIds: [],
  risk: null,
  plannedStart: null,
  plannedEnd: null,
  pendingReason: null,
  resolution: null,
  resolvedAt: null,
  closedAt: null,
  reopenCount: 0,
  createdAt: '2026-03-01T08:00:00.123Z',
  updatedAt: '2026-03-02T09:30:00.456Z',
  version: 4,
  answers: {},
  links: [
    { id: '30000000-0000-4000-8000-000000000001', kind: 'caused_by', targetId: FOREIGN, createdAt: '2026-03-01T07:00:00.500Z' },
    { id: '30000000-0000-4000-8000-000000000002', kind: 'relates_to', targetId: BARE, createdAt: '2026-03-01T10:00:00.999Z' },
  ],
  approvals: [
    { approverId: APPROVER_A, decision: 'approved', comment: 'fine "by" me', decidedAt: '2026-03-01T11:00:00.007Z' },
    { approverId: APPROVER_B, decision: null, comment: null, decidedAt: null },
  ],
  attachments: [
    { id: '40000000-0000-4000-8000-000000000003', ticketId: TICKET, filename: 'empty.txt', mediaType: 'text/plain', size: 0, sha256: 'c'.repeat(64), uploadedBy: REQUESTER, createdAt: '2026-03-01T11:59:59.000Z' },
    { id: '40000000-0000-4000-8000-000000000001', ticketId: TICKET, filename: 'log.txt', mediaType: 'text/plain', size: 12, sha256: 'a'.repeat(64), uploadedBy: REQUESTER, createdAt: '2026-03-01T12:00:00.000Z' },
    { id: '40000000-0000-4000-8000-000000000002', ticketId: TICKET, filename: 'screen.png', mediaType: 'image/png', size: 26_214_400, sha256: 'b'.repeat(64), uploadedBy: REQUESTER, createdAt: '2026-03-01T12:00:00.000Z' },
  ],
};

test('answers the ticket with its links, approvals and attachments, each in order, in one statement', async (context) => {
  const { knex } = context.database!.db;
  const statements: string[] = [];
  const count = (query: { sql: string }) => statements.push(query.sql);
  knex.on('query', count);
  try {
    const view = await getTicket(knex, scope, TICKET);
    // The same keys in the same order, so the JSON the API writes is unchanged too.
    assert.equal(JSON.stringify(view), JSON.stringify(expected));
  } finally {
    knex.off('query', count);
  }
  assert.is(statements.length, 1);
});

test('answers empty lists for a ticket without any', async (context) => {
  const view = await getTicket(context.database!.db.knex, scope, BARE);
  assert.equal([view?.number, view?.links, view?.approvals, view?.attachments], ['INC-000002', [], [], []]);
});

test('answers the same inside a transaction', async (context) => {
  const view = await context.database!.db.knex.transaction((trx) => getTicket(trx, scope, TICKET));
  assert.equal(view, expected);
});

test('answers null for a deleted ticket, another tenant\'s ticket and another requester', async (context) => {
  const { knex } = context.database!.db;
  assert.is(await getTicket(knex, scope, DELETED), null);
  assert.is(await getTicket(knex, scope, FOREIGN), null);
  assert.is(await getTicket(knex, { tenantId: TENANT, requesterId: APPROVER_A }, TICKET), null);
  assert.equal((await getTicket(knex, { tenantId: TENANT, requesterId: REQUESTER }, TICKET))?.id, TICKET);
});

test('on one connection, the answer follows the tables: many times over, after they are dropped and made again, and under temporary tables that shadow them', async (context) => {
  const { knex } = context.database!.db;
  // One connection for the whole test, so the statement the server kept is the one used each time.
  await knex.transaction(async (trx) => {
    // Past the server's first five custom plans, so that a kept generic plan is what answers.
    for (let round = 0; round < 8; round += 1) assert.equal(await getTicket(trx, scope, TICKET), expected);
    if (context.database!.db.kind === 'postgres') {
      const kept = await trx.raw<{ rows: Array<{ name: string }> }>('SELECT name FROM pg_prepared_statements');
      assert.ok(kept.rows.some((row) => row.name === 'ticket-detail'), 'the server keeps the statement');
    }
    await trx.raw('SAVEPOINT rebuilt');
    await dropTicketTables(trx);
    await createTicketTables(trx);
    assert.is(await getTicket(trx, scope, TICKET), null, 'the fresh tables are empty');
    await trx.raw('ROLLBACK TO SAVEPOINT rebuilt');
    assert.equal(await getTicket(trx, scope, TICKET), expected);
    await trx.raw('SAVEPOINT shadowed');
    await trx.raw('SET LOCAL search_path = pg_temp, public');
    await createTicketTables(trx);
    assert.is(await getTicket(trx, scope, TICKET), null, 'the empty temporary tables answer');
    await trx.raw('ROLLBACK TO SAVEPOINT shadowed');
    assert.equal(await getTicket(trx, scope, TICKET), expected);
  });
});

test.run();
