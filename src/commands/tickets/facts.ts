import type { Knex } from 'knex';

/** An active technician or manager of the tenant: who may be assigned a ticket. */
export async function isAssignableAgent(knex: Knex, tenantId: string, userId: string): Promise<boolean> {
  const row = (await knex('users').select('role', 'status').where({ tenant_id: tenantId, id: userId }).first()) as { role: string; status: string } | undefined;
  return row !== undefined && row.status === 'active' && (row.role === 'technician' || row.role === 'manager');
}

export async function isTeamMember(knex: Knex, teamId: string, userId: string): Promise<boolean> {
  return (await knex('team_members').select('user_id').where({ group_id: teamId, user_id: userId }).first()) !== undefined;
}

export async function teamExists(knex: Knex, tenantId: string, teamId: string): Promise<boolean> {
  return (await knex('teams').select('id').where({ tenant_id: tenantId, id: teamId }).first()) !== undefined;
}

/** Approvers of changes and requests are active managers or admins. */
export async function areApprovers(knex: Knex, tenantId: string, userIds: readonly string[]): Promise<boolean> {
  if (userIds.length === 0) return false;
  const rows = (await knex('users').select('id').where({ tenant_id: tenantId, status: 'active' }).whereIn('role', ['manager', 'admin']).whereIn('id', [...userIds])) as Array<{ id: string }>;
  return rows.length === new Set(userIds).size;
}

export async function isActiveUser(knex: Knex, tenantId: string, userId: string): Promise<boolean> {
  const row = (await knex('users').select('status').where({ tenant_id: tenantId, id: userId }).first()) as { status: string } | undefined;
  return row?.status === 'active';
}

/** Tickets may point only at categories and services the tenant currently offers. */
export async function isOfferedCatalogEntry(knex: Knex, table: 'categories' | 'services', tenantId: string, id: string): Promise<boolean> {
  return (await knex(table).select('id').where({ tenant_id: tenantId, id, active: true }).first()) !== undefined;
}
