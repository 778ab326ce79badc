import type { Knex } from 'knex';
import type { RelationGraphEvent } from '../../domain/cmdb/index.js';
import type { RecordedEvent } from '../../eventstore/types.js';
import type { Projection } from '../types.js';

const TABLE = 'asset_relations';

/**
 * The edges of each tenant's CMDB graph, indexed both ways: "what does this rely on" reads by
 * source, "what fails if this fails" (impact) reads by target.
 */
export const assetRelationsProjection: Projection = {
  name: TABLE,
  version: 1,
  runs: 'inline',
  filter: { categories: ['cmdbgraph'] },
  async createTables(knex: Knex) {
    await knex.schema.createTable(TABLE, (table) => {
      table.uuid('id').primary();
      table.uuid('tenant_id').notNullable();
      table.text('type').notNullable();
      table.uuid('source_asset_id').notNullable();
      table.uuid('target_asset_id');
      table.uuid('target_service_id');
      table.timestamp('created_at', { useTz: true }).notNullable();
      table.index(['tenant_id', 'source_asset_id']);
      table.index(['tenant_id', 'target_asset_id']);
      table.index(['tenant_id', 'target_service_id']);
    });
  },
  async dropTables(knex: Knex) {
    await knex.schema.dropTableIfExists(TABLE);
  },
  async apply(trx, events) {
    for (const recorded of events) await applyOne(trx, recorded, { type: recorded.type, data: recorded.data } as RelationGraphEvent);
  },
};

/** A relation id is added once and removed at most once, so insert-or-ignore and delete replay cleanly. */
async function applyOne(trx: Knex.Transaction, recorded: RecordedEvent, event: RelationGraphEvent): Promise<void> {
  const tenantId = recorded.streamId.slice('cmdbgraph-'.length);
  switch (event.type) {
    case 'AssetRelationAdded': {
      const d = event.data;
      await trx(TABLE)
        .insert({ id: d.relationId, tenant_id: tenantId, type: d.type, source_asset_id: d.sourceAssetId, target_asset_id: d.targetAssetId, target_service_id: d.targetServiceId, created_at: d.at })
        .onConflict('id')
        .ignore();
      return;
    }
    case 'AssetRelationRemoved':
      await trx(TABLE).where({ id: event.data.relationId }).delete();
      return;
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}
