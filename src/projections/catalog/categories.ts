import type { Knex } from 'knex';
import type { CategoryEvent } from '../../domain/catalog/index.js';
import type { RecordedEvent } from '../../eventstore/types.js';
import type { Projection } from '../types.js';

const TABLE = 'categories';

/** The tenant's ticket categories, retired ones included: tickets keep pointing at them. */
export const categoriesProjection: Projection = {
  name: TABLE,
  version: 1,
  runs: 'inline',
  filter: { categories: ['category'] },
  async createTables(knex: Knex) {
    await knex.schema.createTable(TABLE, (table) => {
      table.uuid('id').primary();
      table.uuid('tenant_id').notNullable();
      table.text('name').notNullable();
      table.text('description').notNullable();
      table.uuid('parent_id');
      table.boolean('active').notNullable();
      table.timestamp('created_at', { useTz: true }).notNullable();
      table.timestamp('updated_at', { useTz: true }).notNullable();
      table.integer('version').notNullable();
      // One per way the list is filtered, each ending in the (name, id) keyset order.
      table.index(['tenant_id', 'name', 'id']);
      table.index(['tenant_id', 'active', 'name', 'id']);
      table.index(['tenant_id', 'parent_id', 'name', 'id']);
    });
  },
  async dropTables(knex: Knex) {
    await knex.schema.dropTableIfExists(TABLE);
  },
  async apply(trx, events) {
    for (const recorded of events) await applyOne(trx, recorded, { type: recorded.type, data: recorded.data } as CategoryEvent);
  },
};

async function applyOne(trx: Knex.Transaction, recorded: RecordedEvent, event: CategoryEvent): Promise<void> {
  const id = recorded.streamId.slice('category-'.length);
  // The revision guard turns a replayed event into a no-op.
  const change = (fields: Record<string, unknown>, at: string) =>
    trx(TABLE).where({ id }).andWhere('version', '<', recorded.revision).update({ ...fields, updated_at: at, version: recorded.revision });
  switch (event.type) {
    case 'CategoryCreated': {
      const d = event.data;
      await trx(TABLE)
        .insert({ id, tenant_id: d.tenantId, name: d.name, description: d.description, parent_id: d.parentId, active: true, created_at: d.at, updated_at: d.at, version: recorded.revision })
        .onConflict('id')
        .ignore();
      return;
    }
    case 'CategoryUpdated':
      await change({ name: event.data.name, description: event.data.description, parent_id: event.data.parentId }, event.data.at);
      return;
    case 'CategoryDeactivated':
      await change({ active: false }, event.data.at);
      return;
    case 'CategoryReactivated':
      await change({ active: true }, event.data.at);
      return;
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}
