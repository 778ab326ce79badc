import type { Knex } from 'knex';
import type { TenantEvent } from '../../domain/tenant/index.js';
import type { RecordedEvent } from '../../eventstore/types.js';
import type { Projection } from '../types.js';

const TABLE = 'tenants';

/** One row per tenant, for lookups by slug (login) and listings. */
export const tenantsProjection: Projection = {
  name: 'tenants',
  version: 1,
  runs: 'inline',
  filter: { categories: ['tenant'] },
  async createTables(knex: Knex) {
    await knex.schema.createTable(TABLE, (table) => {
      table.uuid('id').primary();
      table.text('slug').notNullable().unique();
      table.text('name').notNullable();
      table.timestamp('registered_at', { useTz: true }).notNullable();
      table.integer('version').notNullable();
    });
  },
  async dropTables(knex: Knex) {
    await knex.schema.dropTableIfExists(TABLE);
  },
  async apply(trx, events) {
    for (const recorded of events) {
      const event = { type: recorded.type, data: recorded.data } as TenantEvent;
      await applyOne(trx, recorded, event);
    }
  },
};

async function applyOne(trx: Knex.Transaction, recorded: RecordedEvent, event: TenantEvent): Promise<void> {
  const id = recorded.streamId.slice('tenant-'.length);
  switch (event.type) {
    case 'TenantRegistered':
      await trx(TABLE)
        .insert({ id, slug: event.data.slug, name: event.data.name, registered_at: event.data.registeredAt, version: recorded.revision })
        .onConflict('id')
        .ignore();
      return;
    case 'TenantRenamed':
      // The revision guard makes a replayed event a no-op.
      await trx(TABLE).where({ id }).andWhere('version', '<', recorded.revision).update({ name: event.data.name, version: recorded.revision });
      return;
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

export interface TenantRow {
  readonly id: string;
  readonly slug: string;
  readonly name: string;
}

export async function findTenantBySlug(knex: Knex, slug: string): Promise<TenantRow | null> {
  const row = (await knex(TABLE).select('id', 'slug', 'name').where({ slug }).first()) as TenantRow | undefined;
  return row ?? null;
}
