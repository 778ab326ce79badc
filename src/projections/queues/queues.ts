import type { Knex } from 'knex';
import type { QueueEvent } from '../../domain/queue/index.js';
import type { RecordedEvent } from '../../eventstore/types.js';
import type { Projection } from '../types.js';

export const QUEUES = 'queues';

/** The tenant's queues with their rules and the last pick of their rotation, retired ones included. */
export const queuesProjection: Projection = {
  name: QUEUES,
  version: 1,
  runs: 'inline',
  filter: { categories: ['queue'] },
  async createTables(knex: Knex) {
    await knex.schema.createTable(QUEUES, (table) => {
      table.uuid('id').primary();
      table.uuid('tenant_id').notNullable();
      table.text('name').notNullable();
      table.text('description').notNullable();
      table.uuid('team_id').notNullable();
      table.specificType('ticket_types', 'text[]').notNullable();
      table.specificType('category_ids', 'uuid[]').notNullable();
      table.specificType('service_ids', 'uuid[]').notNullable();
      table.integer('position').notNullable();
      table.text('strategy').notNullable();
      table.boolean('active').notNullable();
      table.uuid('last_assignee_id');
      table.uuid('last_ticket_id');
      table.timestamp('last_picked_at', { useTz: true });
      table.timestamp('created_at', { useTz: true }).notNullable();
      table.timestamp('updated_at', { useTz: true }).notNullable();
      table.integer('version').notNullable();
      table.index(['tenant_id', 'name', 'id']);
      table.index(['tenant_id', 'active', 'name', 'id']);
      // Routing reads the active queues of a tenant in evaluation order.
      table.index(['tenant_id', 'active', 'position']);
    });
  },
  async dropTables(knex: Knex) {
    await knex.schema.dropTableIfExists(QUEUES);
  },
  async apply(trx, events) {
    for (const recorded of events) await applyOne(trx, recorded, { type: recorded.type, data: recorded.data } as QueueEvent);
  },
};

async function applyOne(trx: Knex.Transaction, recorded: RecordedEvent, event: QueueEvent): Promise<void> {
  const id = recorded.streamId.slice('queue-'.length);
  // The revision guard turns a replayed event into a no-op.
  const change = (fields: Record<string, unknown>, at: string) => trx(QUEUES).where({ id }).andWhere('version', '<', recorded.revision).update({ ...fields, updated_at: at, version: recorded.revision });
  switch (event.type) {
    case 'QueueCreated': {
      const d = event.data;
      await trx(QUEUES)
        .insert({
          id,
          tenant_id: d.tenantId,
          name: d.name,
          description: d.description,
          team_id: d.teamId,
          ticket_types: d.rules.ticketTypes,
          category_ids: d.rules.categoryIds,
          service_ids: d.rules.serviceIds,
          position: d.position,
          strategy: d.strategy,
          active: true,
          created_at: d.at,
          updated_at: d.at,
          version: recorded.revision,
        })
        .onConflict('id')
        .ignore();
      return;
    }
    case 'QueueUpdated': {
      const d = event.data;
      await change(
        { name: d.name, description: d.description, team_id: d.teamId, ticket_types: d.rules.ticketTypes, category_ids: d.rules.categoryIds, service_ids: d.rules.serviceIds, position: d.position, strategy: d.strategy },
        d.at,
      );
      return;
    }
    case 'QueueDeactivated':
      await change({ active: false }, event.data.at);
      return;
    case 'QueueReactivated':
      await change({ active: true }, event.data.at);
      return;
    case 'QueueAssigneePicked': {
      // A pick is not an edit of the queue: updated_at stays, the version (the stream revision) moves.
      const d = event.data;
      await trx(QUEUES).where({ id }).andWhere('version', '<', recorded.revision).update({ last_assignee_id: d.assigneeId, last_ticket_id: d.ticketId, last_picked_at: d.at, version: recorded.revision });
      return;
    }
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}
