import type { Knex } from 'knex';
import type { AssetEvent, AssetMaintenanceEvent } from '../../domain/cmdb/index.js';
import type { RecordedEvent } from '../../eventstore/types.js';
import type { Projection } from '../types.js';

const TABLE = 'assets';
const MAINTENANCE = 'asset_maintenance';

/** The tenant's configuration items: what they are, where, whose, in which state, and their maintenance. */
export const assetsProjection: Projection = {
  name: TABLE,
  // 2: asset_maintenance and assets.next_maintenance_on.
  version: 2,
  runs: 'inline',
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
      /** The earliest planned, not yet done maintenance: what the list shows and the overdue filter reads. */
      table.text('next_maintenance_on');
      // One per way the list is filtered, each ending in the (name, id) keyset order.
      table.index(['tenant_id', 'name', 'id']);
      table.index(['tenant_id', 'status', 'name', 'id']);
      table.index(['tenant_id', 'category_id', 'name', 'id']);
      table.index(['tenant_id', 'owner_user_id', 'name', 'id']);
      table.index(['tenant_id', 'tag']);
      table.index(['tenant_id', 'next_maintenance_on']);
    });
    await knex.schema.createTable(MAINTENANCE, (table) => {
      table.uuid('id').primary();
      table.uuid('asset_id').notNullable();
      table.uuid('tenant_id').notNullable();
      table.text('kind').notNullable();
      table.text('title').notNullable();
      table.text('description').notNullable();
      table.text('planned_for').notNullable();
      table.text('vendor');
      table.text('estimated_cost');
      table.text('currency');
      table.text('status').notNullable();
      table.text('done_on');
      table.text('actual_cost');
      table.text('notes');
      table.text('cancel_reason');
      table.timestamp('created_at', { useTz: true }).notNullable();
      table.timestamp('updated_at', { useTz: true }).notNullable();
      table.index(['asset_id', 'planned_for', 'id']);
    });
  },
  async dropTables(knex: Knex) {
    await knex.schema.dropTableIfExists(MAINTENANCE);
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
    case 'AssetMaintenancePlanned':
    case 'AssetMaintenanceCompleted':
    case 'AssetMaintenanceCancelled':
      // The asset row's version guards the maintenance rows too: they move with the asset's stream.
      if ((await change({}, event.data.at)) === 0) return;
      await applyMaintenance(trx, id, event);
      await trx(TABLE)
        .where({ id })
        .update({ next_maintenance_on: trx(MAINTENANCE).min('planned_for').where({ asset_id: id, status: 'planned' }) });
      return;
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

async function applyMaintenance(trx: Knex.Transaction, assetId: string, event: AssetMaintenanceEvent): Promise<void> {
  switch (event.type) {
    case 'AssetMaintenancePlanned': {
      const d = event.data;
      const tenant = (await trx(TABLE).select('tenant_id').where({ id: assetId }).first()) as { tenant_id: string };
      await trx(MAINTENANCE).insert({
        id: d.maintenanceId,
        asset_id: assetId,
        tenant_id: tenant.tenant_id,
        kind: d.kind,
        title: d.title,
        description: d.description,
        planned_for: d.plannedFor,
        vendor: d.vendor,
        estimated_cost: d.estimatedCost,
        currency: d.currency,
        status: 'planned',
        created_at: d.at,
        updated_at: d.at,
      });
      return;
    }
    case 'AssetMaintenanceCompleted': {
      const d = event.data;
      await trx(MAINTENANCE).where({ id: d.maintenanceId }).update({ status: 'done', done_on: d.doneOn, actual_cost: d.actualCost, notes: d.notes, updated_at: d.at });
      return;
    }
    case 'AssetMaintenanceCancelled':
      await trx(MAINTENANCE).where({ id: event.data.maintenanceId }).update({ status: 'cancelled', cancel_reason: event.data.reason, updated_at: event.data.at });
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
