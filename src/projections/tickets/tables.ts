import type { Knex } from 'knex';

export const TICKETS = 'tickets';
export const COMMENTS = 'ticket_comments';
export const LINKS = 'ticket_links';
export const APPROVALS = 'ticket_approvals';
export const ATTACHMENTS = 'ticket_attachments';

/** Each list filter has an index led by the tenant and ending in the keyset order (created_at, id). */
const FILTER_COLUMNS = ['status', 'type', 'priority', 'assignee_id', 'team_id', 'requester_id', 'category_id'] as const;

export async function createTicketTables(knex: Knex): Promise<void> {
  await knex.schema.createTable(TICKETS, (t) => {
    t.uuid('id').primary();
    t.uuid('tenant_id').notNullable();
    t.text('number').notNullable();
    t.text('type').notNullable();
    t.text('title').notNullable();
    t.text('description').notNullable();
    t.text('status').notNullable();
    t.text('impact').notNullable();
    t.text('urgency').notNullable();
    t.text('priority').notNullable();
    t.boolean('priority_overridden').notNullable().defaultTo(false);
    t.uuid('requester_id').notNullable();
    t.uuid('assignee_id');
    t.uuid('team_id');
    t.uuid('category_id');
    t.uuid('service_id');
    t.specificType('tags', 'text[]').notNullable();
    t.specificType('asset_ids', 'uuid[]').notNullable();
    t.specificType('watcher_ids', 'uuid[]').notNullable();
    t.text('risk');
    t.timestamp('planned_start', { useTz: true });
    t.timestamp('planned_end', { useTz: true });
    t.text('pending_reason');
    t.text('resolution_code');
    t.text('resolution_notes');
    t.timestamp('resolved_at', { useTz: true });
    t.timestamp('closed_at', { useTz: true });
    t.integer('reopen_count').notNullable().defaultTo(0);
    t.uuid('sla_policy_id');
    t.jsonb('sla_terms');
    // A service request's answers to its service's form; {} for every other ticket.
    t.jsonb('answers').notNullable().defaultTo('{}');
    t.boolean('deleted').notNullable().defaultTo(false);
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.integer('version').notNullable();
    t.unique(['tenant_id', 'number']);
  });
  await knex.raw(`CREATE INDEX tickets_by_created ON ${TICKETS} (tenant_id, created_at DESC, id DESC) WHERE NOT deleted`);
  await knex.raw(`CREATE INDEX tickets_by_updated ON ${TICKETS} (tenant_id, updated_at DESC, id DESC) WHERE NOT deleted`);
  for (const column of FILTER_COLUMNS) {
    await knex.raw(`CREATE INDEX tickets_by_${column} ON ${TICKETS} (tenant_id, ${column}, created_at DESC, id DESC) WHERE NOT deleted`);
  }
  await knex.raw(`CREATE INDEX tickets_by_tag ON ${TICKETS} USING gin (tags) WHERE NOT deleted`);
  // An asset's tickets (GET /assets/:id/tickets) look the asset up inside this array.
  await knex.raw(`CREATE INDEX tickets_by_asset ON ${TICKETS} USING gin (asset_ids)`);

  await knex.schema.createTable(COMMENTS, (t) => {
    t.uuid('id').primary();
    t.uuid('ticket_id').notNullable();
    t.uuid('tenant_id').notNullable();
    t.uuid('author_id').notNullable();
    t.text('body').notNullable();
    t.boolean('internal').notNullable();
    t.uuid('carried_from');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('edited_at', { useTz: true });
    // The ticket stream's order: carried-over comments share a timestamp but not a revision.
    t.integer('revision').notNullable();
    t.index(['ticket_id', 'revision']);
  });
  await knex.schema.createTable(LINKS, (t) => {
    t.uuid('id').primary();
    t.uuid('ticket_id').notNullable();
    t.uuid('tenant_id').notNullable();
    t.text('kind').notNullable();
    t.uuid('target_id').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.index(['ticket_id']);
    t.index(['target_id']);
  });
  await knex.schema.createTable(APPROVALS, (t) => {
    t.uuid('ticket_id').notNullable();
    t.uuid('approver_id').notNullable();
    t.uuid('tenant_id').notNullable();
    t.text('decision');
    t.text('comment');
    t.timestamp('requested_at', { useTz: true }).notNullable();
    t.timestamp('decided_at', { useTz: true });
    t.primary(['ticket_id', 'approver_id']);
    t.index(['tenant_id', 'approver_id', 'decision']);
  });
  await knex.schema.createTable(ATTACHMENTS, (t) => {
    t.uuid('id').primary();
    t.uuid('ticket_id').notNullable();
    t.uuid('tenant_id').notNullable();
    t.text('sha256').notNullable();
    t.bigInteger('size').notNullable();
    t.text('media_type').notNullable();
    t.text('filename').notNullable();
    t.uuid('uploaded_by').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.index(['ticket_id', 'created_at', 'id']);
    // The blob sweep asks which digests are referenced; the quota sums a tenant's distinct files.
    t.index(['sha256']);
    t.index(['tenant_id', 'sha256', 'size']);
  });
}

export async function dropTicketTables(knex: Knex): Promise<void> {
  for (const table of [ATTACHMENTS, APPROVALS, LINKS, COMMENTS, TICKETS]) await knex.schema.dropTableIfExists(table);
}
