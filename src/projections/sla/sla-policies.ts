import type { Knex } from 'knex';
import type { PolicyDefinition, SlaPolicyEvent } from '../../domain/sla/index.js';
import type { RecordedEvent } from '../../eventstore/types.js';
import type { Projection } from '../types.js';

export const POLICIES = 'sla_policies';
export const POLICY_VERSIONS = 'sla_policy_versions';

/**
 * The tenant's SLA policies with their current version, and every version ever defined: a ticket
 * keeps the targets of the version it recorded, however often the policy changed since.
 */
export const slaPoliciesProjection: Projection = {
  name: POLICIES,
  version: 2,
  runs: 'inline',
  filter: { categories: ['slapolicy'] },
  async createTables(knex: Knex) {
    await knex.schema.createTable(POLICIES, (table) => {
      table.uuid('id').primary();
      table.uuid('tenant_id').notNullable();
      table.text('name').notNullable();
      // The policy's own version (1, 2, …); `revision` below is the stream's, guarding replays.
      table.integer('version').notNullable();
      table.uuid('calendar_id').notNullable();
      table.jsonb('definition').notNullable();
      table.boolean('retired').notNullable();
      table.timestamp('created_at', { useTz: true }).notNullable();
      table.timestamp('updated_at', { useTz: true }).notNullable();
      // The definition's log position as 40 digits (commit, prepare; 20 each): selection prefers the later.
      table.text('defined_order').notNullable();
      table.integer('revision').notNullable();
      // One per way the list is filtered, each ending in the (name, id) keyset order.
      table.index(['tenant_id', 'name', 'id']);
      table.index(['tenant_id', 'retired', 'name', 'id']);
      table.index(['tenant_id', 'calendar_id', 'name', 'id']);
    });
    await knex.schema.createTable(POLICY_VERSIONS, (table) => {
      table.uuid('id').notNullable();
      table.integer('version').notNullable();
      table.uuid('tenant_id').notNullable();
      table.jsonb('definition').notNullable();
      table.timestamp('defined_at', { useTz: true }).notNullable();
      table.primary(['id', 'version']);
    });
  },
  async dropTables(knex: Knex) {
    await knex.schema.dropTableIfExists(POLICY_VERSIONS);
    await knex.schema.dropTableIfExists(POLICIES);
  },
  async apply(trx, events) {
    for (const recorded of events) await applyOne(trx, recorded, { type: recorded.type, data: recorded.data } as SlaPolicyEvent);
  },
};

function definitionOf(data: PolicyDefinition): PolicyDefinition {
  const { name, calendarId, scope, targets, warningShare, escalation } = data;
  return { name, calendarId, scope, targets, warningShare, escalation };
}

async function applyOne(trx: Knex.Transaction, recorded: RecordedEvent, event: SlaPolicyEvent): Promise<void> {
  const id = recorded.streamId.slice('slapolicy-'.length);
  // The revision guard turns a replayed event into a no-op; versions are keyed by number and inserted once.
  const change = (fields: Record<string, unknown>, at: string) =>
    trx(POLICIES).where({ id }).andWhere('revision', '<', recorded.revision).update({ ...fields, updated_at: at, revision: recorded.revision });
  const keepVersion = (tenantId: string, version: number, definition: PolicyDefinition, at: string) =>
    trx(POLICY_VERSIONS).insert({ id, version, tenant_id: tenantId, definition: JSON.stringify(definition), defined_at: at }).onConflict(['id', 'version']).ignore();
  switch (event.type) {
    case 'PolicyDefined': {
      const d = event.data;
      const definition = definitionOf(d);
      await trx(POLICIES)
        .insert({
          id,
          tenant_id: d.tenantId,
          name: d.name,
          version: d.version,
          calendar_id: d.calendarId,
          definition: JSON.stringify(definition),
          retired: false,
          created_at: d.at,
          updated_at: d.at,
          defined_order: `${recorded.position.commit.toString().padStart(20, '0')}${recorded.position.prepare.toString().padStart(20, '0')}`,
          revision: recorded.revision,
        })
        .onConflict('id')
        .ignore();
      await keepVersion(d.tenantId, d.version, definition, d.at);
      return;
    }
    case 'PolicyRevised': {
      const d = event.data;
      const definition = definitionOf(d);
      const row = (await trx(POLICIES).select('tenant_id').where({ id }).first()) as { tenant_id: string } | undefined;
      if (!row) return;
      await keepVersion(row.tenant_id, d.version, definition, d.at);
      await change({ name: d.name, version: d.version, calendar_id: d.calendarId, definition: JSON.stringify(definition) }, d.at);
      return;
    }
    case 'PolicyRetired':
      await change({ retired: true }, event.data.at);
      return;
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}
