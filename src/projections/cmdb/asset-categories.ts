import type { Knex } from 'knex';
import type { AssetCategoryEvent } from '../../domain/cmdb/index.js';
import type { RecordedEvent } from '../../eventstore/types.js';
import type { Projection } from '../types.js';

const TABLE = 'asset_categories';

/** The kinds of asset a tenant tracks, each with the schema its assets' custom attributes follow. */
export const assetCategoriesProjection: Projection = {
  name: TABLE,
  version: 1,
  runs: 'inline',
  filter: { categories: ['assetcategory'] },
  async createTables(knex: Knex) {
    await knex.schema.createTable(TABLE, (table) => {
      table.uuid('id').primary();
      table.uuid('tenant_id').notNullable();
      table.text('name').notNullable();
      table.text('description').notNullable();
      table.jsonb('attributes_schema').notNullable();
      table.timestamp('created_at', { useTz: true }).notNullable();
      table.timestamp('updated_at', { useTz: true }).notNullable();
      table.integer('version').notNullable();
      table.index(['tenant_id', 'name', 'id']);
    });
  },
  async dropTables(knex: Knex) {
    await knex.schema.dropTableIfExists(TABLE);
  },
  async apply(trx, events) {
    for (const recorded of events) await applyOne(trx, recorded, { type: recorded.type, data: recorded.data } as AssetCategoryEvent);
  },
};

async function applyOne(trx: Knex.Transaction, recorded: RecordedEvent, event: AssetCategoryEvent): Promise<void> {
  const id = recorded.streamId.slice('assetcategory-'.length);
  switch (event.type) {
    case 'AssetCategoryCreated': {
      const d = event.data;
      await trx(TABLE)
        .insert({ id, tenant_id: d.tenantId, name: d.name, description: d.description, attributes_schema: JSON.stringify(d.attributesSchema), created_at: d.at, updated_at: d.at, version: recorded.revision })
        .onConflict('id')
        .ignore();
      return;
    }
    case 'AssetCategoryUpdated': {
      const d = event.data;
      // The revision guard turns a replayed event into a no-op.
      await trx(TABLE)
        .where({ id })
        .andWhere('version', '<', recorded.revision)
        .update({ name: d.name, description: d.description, attributes_schema: JSON.stringify(d.attributesSchema), updated_at: d.at, version: recorded.revision });
      return;
    }
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}
