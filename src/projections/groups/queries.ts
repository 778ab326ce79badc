import type { Knex } from 'knex';
import type { Page } from '../pagination.js';
import { pageByName } from '../pagination.js';

export type GroupTable = 'teams' | 'departments';

export interface GroupView {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly members: Array<{ readonly userId: string; readonly name: string; readonly email: string }>;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly version: number;
}

interface GroupRow {
  id: string;
  name: string;
  description: string;
  created_at: Date;
  updated_at: Date;
  version: number;
}

const membersOf = (table: GroupTable) => (table === 'teams' ? 'team_members' : 'department_members');

export async function getGroup(knex: Knex, table: GroupTable, tenantId: string, id: string): Promise<GroupView | null> {
  const row = (await knex(table).select('id', 'name', 'description', 'created_at', 'updated_at', 'version').where({ tenant_id: tenantId, id }).first()) as GroupRow | undefined;
  if (!row) return null;
  const members = (await knex(`${membersOf(table)} as m`)
    .join('users as u', 'u.id', 'm.user_id')
    .select('u.id as userId', 'u.name as name', 'u.email as email')
    .where('m.group_id', id)
    .orderBy('u.name')) as Array<{ userId: string; name: string; email: string }>;
  return { ...viewOf(row), members };
}

export async function listGroups(knex: Knex, table: GroupTable, tenantId: string, filter: { limit: number; cursor?: string }): Promise<Page<Omit<GroupView, 'members'>>> {
  const query = knex(table).select('id', 'name', 'description', 'created_at', 'updated_at', 'version').where({ tenant_id: tenantId });
  return pageByName(query, filter, viewOf);
}

function viewOf(row: GroupRow): Omit<GroupView, 'members'> {
  return { id: row.id, name: row.name, description: row.description, createdAt: new Date(row.created_at).toISOString(), updatedAt: new Date(row.updated_at).toISOString(), version: row.version };
}

// Facts commands check before they decide.

export async function isTeamMember(knex: Knex, teamId: string, userId: string): Promise<boolean> {
  return (await knex('team_members').select('user_id').where({ group_id: teamId, user_id: userId }).first()) !== undefined;
}

export async function teamExists(knex: Knex, tenantId: string, teamId: string): Promise<boolean> {
  return (await knex('teams').select('id').where({ tenant_id: tenantId, id: teamId }).first()) !== undefined;
}

/**
 * The team's members who may take a ticket (active technicians and managers; deactivated people
 * and requesters are skipped), each with the open tickets they hold (not resolved, closed or cancelled).
 */
export async function assignableMembers(knex: Knex, tenantId: string, teamId: string): Promise<Array<{ userId: string; openTickets: number }>> {
  const rows = (await knex('team_members as m')
    .join('users as u', 'u.id', 'm.user_id')
    .leftJoin('tickets as t', (join) => {
      join
        .on('t.assignee_id', '=', 'm.user_id')
        .andOn('t.tenant_id', '=', knex.raw('?', [tenantId]))
        .andOn('t.deleted', '=', knex.raw('false'))
        .andOnNotIn('t.status', ['resolved', 'closed', 'cancelled']);
    })
    .select('m.user_id as userId')
    .count({ openTickets: 't.id' })
    .where({ 'm.group_id': teamId, 'u.tenant_id': tenantId, 'u.status': 'active' })
    .whereIn('u.role', ['technician', 'manager'])
    .groupBy('m.user_id')
    .orderBy('m.user_id')) as Array<{ userId: string; openTickets: string | number }>;
  return rows.map((row) => ({ userId: row.userId, openTickets: Number(row.openTickets) }));
}
