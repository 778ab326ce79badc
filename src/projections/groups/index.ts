import type { Knex } from 'knex';
import type { DepartmentEvent, TeamEvent } from '../../domain/identity/index.js';
import { departmentFact, teamFact } from '../../domain/identity/index.js';
import type { RecordedEvent } from '../../eventstore/types.js';
import type { Projection } from '../types.js';

/** Teams and departments with their members: `teams`/`team_members`, `departments`/`department_members`. */
export const teamsProjection = groupProjection('teams', 'team', (event) => teamFact(event as TeamEvent));
export const departmentsProjection = groupProjection('departments', 'department', (event) => departmentFact(event as DepartmentEvent));

function groupProjection(table: string, category: string, toFact: (event: { type: string; data: unknown }) => ReturnType<typeof teamFact>): Projection {
  const members = `${category}_members`;
  return {
    name: table,
    version: 1,
    runs: 'inline',
    filter: { categories: [category] },
    async createTables(knex: Knex) {
      await knex.schema.createTable(table, (t) => {
        t.uuid('id').primary();
        t.uuid('tenant_id').notNullable();
        t.text('name').notNullable();
        t.text('description').notNullable();
        t.timestamp('created_at', { useTz: true }).notNullable();
        t.timestamp('updated_at', { useTz: true }).notNullable();
        t.integer('version').notNullable();
        t.index(['tenant_id', 'name', 'id']);
      });
      await knex.schema.createTable(members, (t) => {
        t.uuid('group_id').notNullable();
        t.uuid('user_id').notNullable();
        t.uuid('tenant_id').notNullable();
        t.timestamp('added_at', { useTz: true }).notNullable();
        t.primary(['group_id', 'user_id']);
        t.index(['tenant_id', 'user_id']);
      });
    },
    async dropTables(knex: Knex) {
      await knex.schema.dropTableIfExists(members);
      await knex.schema.dropTableIfExists(table);
    },
    async apply(trx, events) {
      for (const recorded of events) await applyOne(trx, recorded);
    },
  };

  async function applyOne(trx: Knex.Transaction, recorded: RecordedEvent): Promise<void> {
    const id = recorded.streamId.slice(category.length + 1);
    const fact = toFact({ type: recorded.type, data: recorded.data });
    if (fact.kind === 'created') {
      await trx(table)
        .insert({ id, tenant_id: fact.tenantId, name: fact.name, description: fact.description, created_at: fact.at, updated_at: fact.at, version: recorded.revision })
        .onConflict('id')
        .ignore();
      return;
    }
    // The revision guard turns a replayed event into a no-op.
    const moved = await trx(table).where({ id }).andWhere('version', '<', recorded.revision).update({ updated_at: fact.at, version: recorded.revision });
    if (moved === 0) return;
    switch (fact.kind) {
      case 'updated':
        await trx(table).where({ id }).update({ name: fact.name, description: fact.description });
        return;
      case 'memberAdded': {
        const group = (await trx(table).select('tenant_id').where({ id }).first()) as { tenant_id: string } | undefined;
        if (group) await trx(members).insert({ group_id: id, user_id: fact.userId, tenant_id: group.tenant_id, added_at: fact.at }).onConflict(['group_id', 'user_id']).ignore();
        return;
      }
      case 'memberRemoved':
        await trx(members).where({ group_id: id, user_id: fact.userId }).delete();
        return;
      default: {
        const _exhaustive: never = fact;
        return _exhaustive;
      }
    }
  }
}
