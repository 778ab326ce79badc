import type { Knex } from 'knex';
import type { ServiceEvent } from '../../domain/catalog/index.js';
import type { RecordedEvent } from '../../eventstore/types.js';
import type { Projection } from '../types.js';

const TABLE = 'services';

/** The tenant's business services, retired ones included: tickets keep pointing at them. */
export const servicesProjection: Projection = {
  name: TABLE,
  // 2: sla_policy_id and request_form.
  version: 2,
  runs: 'inline',
  filter: { categories: ['service'] },
  async createTables(knex: Knex) {
    await knex.schema.createTable(TABLE, (table) => {
      table.uuid('id').primary();
      table.uuid('tenant_id').notNullable();
      table.text('name').notNullable();
      table.text('description').notNullable();
      table.uuid('owner_team_id');
      table.text('criticality').notNullable();
      table.uuid('sla_policy_id');
      table.jsonb('request_form');
      table.boolean('active').notNullable();
      table.timestamp('created_at', { useTz: true }).notNullable();
      table.timestamp('updated_at', { useTz: true }).notNullable();
      table.integer('version').notNullable();
      // One per way the list is filtered, each ending in the (name, id) keyset order.
      table.index(['tenant_id', 'name', 'id']);
      table.index(['tenant_id', 'active', 'name', 'id']);
    });
  },
  async dropTables(knex: Knex) {
    await knex.schema.dropTableIfExists(TABLE);
  },
  async apply(trx, events) {
    for (const recorded of events) await applyOne(trx, recorded, { type: recorded.type, data: recorded.data } as ServiceEvent);
  },
};

async function applyOne(trx: Knex.Transaction, recorded: RecordedEvent, event: ServiceEvent): Promise<void> {
  const id = recorded.streamId.slice('service-'.length);
  // The revision guard turns a replayed event into a no-op.
  const change = (fields: Record<string, unknown>, at: string) =>
    trx(TABLE).where({ id }).andWhere('version', '<', recorded.revision).update({ ...fields, updated_at: at, version: recorded.revision });
  switch (event.type) {
    case 'ServiceCreated': {
      const d = event.data;
      await trx(TABLE)
        .insert({
          id,
          tenant_id: d.tenantId,
          name: d.name,
          description: d.description,
          owner_team_id: d.ownerTeamId,
          criticality: d.criticality,
          sla_policy_id: d.slaPolicyId ?? null,
          request_form: d.requestForm ? JSON.stringify(d.requestForm) : null,
          active: true,
          created_at: d.at,
          updated_at: d.at,
          version: recorded.revision,
        })
        .onConflict('id')
        .ignore();
      return;
    }
    case 'ServiceUpdated': {
      const d = event.data;
      await change(
        { name: d.name, description: d.description, owner_team_id: d.ownerTeamId, criticality: d.criticality, sla_policy_id: d.slaPolicyId ?? null, request_form: d.requestForm ? JSON.stringify(d.requestForm) : null },
        d.at,
      );
      return;
    }
    case 'ServiceDeactivated':
      await change({ active: false }, event.data.at);
      return;
    case 'ServiceReactivated':
      await change({ active: true }, event.data.at);
      return;
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}
