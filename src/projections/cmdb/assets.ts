import type { Knex } from 'knex';
import type { AssetEvent } from '../../domain/cmdb/index.js';
import type { RecordedEvent } from '../../eventstore/types.js';
import type { Projection } from '../types.js';

const TABLE = 'assets';

/** The tenant's configuration items: what they are, where, whose, and in which state. */
export const assetsProjection: Projection = {
  name: TABLE,
  version: 1,
  filter: { categories: ['asset'] },
  async createTables(knex: Knex) {
    await knex.schema.createTable(TABLE, (table) => {
      table.uuid('id').primary();
      table.uuid('tenant_id').notNullable();
      table.text('tag').notNullable();
      table.text('name').notNullable();
      table.uuid('category_id').notNullable();
      table.text('status').notNullable();
      table.uuid('owner_user_id');
      table.text('location');
      table.text('serial');
      table.text('vendor');
      table.text('purchase_date');
      table.text('purchase_cost');
      table.text('warranty_end');
      table.jsonb('attributes').notNullable();
      table.timestamp('created_at', { useTz: true }).notNullable();
      table.timestamp('updated_at', { useTz: true }).notNullable();
      table.integer('version').notNullable();
      // One per way the list is filtered, each ending in the (name, id) keyset order.
      table.index(['tenant_id', 'name', 'id']);
      table.index(['tenant_id', 'status', 'name', 'id']);
      table.index(['tenant_id', 'category_id', 'name', 'id']);
      table.index(['tenant_id', 'owner_user_id', 'name', 'id']);
      table.index(['tenant_id', 'tag']);
    });
  },
  async dropTables(knex: Knex) {
    await knex.schema.dropTableIfExists(TABLE);
  },
  async apply(trx, events) {
    for (const recorded of events) await applyOne(trx, recorded, { type: recorded.type, data: recorded.data } as AssetEvent);
  },
};

async function applyOne(trx: Knex.Transaction, recorded: RecordedEvent, event: AssetEvent): Promise<void> {
  const id = recorded.streamId.slice('asset-'.length);
  // The revision guard turns a replayed event into a no-op.
  const change = (fields: Record<string, unknown>, at: string) =>
    trx(TABLE).where({ id }).andWhere('version', '<', recorded.revision).update({ ...fields, updated_at: at, version: recorded.revision });
  switch (event.type) {
    case 'AssetRegistered': {
      const d = event.data;
      await trx(TABLE)
        .insert({ id, tenant_id: d.tenantId, tag: d.tag, status: d.status, ...columns(d), created_at: d.at, updated_at: d.at, version: recorded.revision })
        .onConflict('id')
        .ignore();
      return;
    }
    case 'AssetUpdated':
      await change(columns(event.data), event.data.at);
      return;
    case 'AssetStatusChanged':
      await change({ status: event.data.to }, event.data.at);
      return;
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

function columns(d: Extract<AssetEvent, { type: 'AssetUpdated' }>['data']): Record<string, unknown> {
  return {
    name: d.name,
    category_id: d.categoryId,
    owner_user_id: d.ownerUserId,
    location: d.location,
    serial: d.serial,
    vendor: d.vendor,
    purchase_date: d.purchaseDate,
    purchase_cost: d.purchaseCost,
    warranty_end: d.warrantyEnd,
    attributes: JSON.stringify(d.attributes),
  };
}
