import type { Knex } from 'knex';
import type { Page } from '../pagination.js';
import { pageByName } from '../pagination.js';

export interface UserView {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly role: string;
  readonly status: string;
  readonly mfaEnabled: boolean;
  readonly registeredAt: string;
  readonly updatedAt: string;
  readonly version: number;
}

interface UserRow {
  id: string;
  email: string;
  name: string;
  role: string;
  status: string;
  mfa_enabled: boolean;
  registered_at: Date;
  updated_at: Date;
  version: number;
}

const COLUMNS = ['id', 'email', 'name', 'role', 'status', 'mfa_enabled', 'registered_at', 'updated_at', 'version'];

function toView(row: UserRow): UserView {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    status: row.status,
    mfaEnabled: row.mfa_enabled,
    registeredAt: new Date(row.registered_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    version: row.version,
  };
}

export async function getUser(knex: Knex, tenantId: string, id: string): Promise<UserView | null> {
  const row = (await knex('users').select(COLUMNS).where({ tenant_id: tenantId, id }).first()) as UserRow | undefined;
  return row ? toView(row) : null;
}

export interface UserFilter {
  readonly limit: number;
  readonly cursor?: string;
  readonly role?: string;
  readonly status?: string;
}

/** Ordered by name then id; the cursor is the last row's (name, id). */
export async function listUsers(knex: Knex, tenantId: string, filter: UserFilter): Promise<Page<UserView>> {
  const query = knex('users').select(COLUMNS).where({ tenant_id: tenantId });
  if (filter.role) query.andWhere({ role: filter.role });
  if (filter.status) query.andWhere({ status: filter.status });
  return pageByName(query, filter, toView);
}

// Facts commands check before they decide (the read model is their only way into these rows).

/** An active technician or manager of the tenant: who may be assigned a ticket. */
export async function isAssignableAgent(knex: Knex, tenantId: string, userId: string): Promise<boolean> {
  const row = (await knex('users').select('role', 'status').where({ tenant_id: tenantId, id: userId }).first()) as { role: string; status: string } | undefined;
  return row !== undefined && row.status === 'active' && (row.role === 'technician' || row.role === 'manager');
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

export async function userIdByEmail(knex: Knex, tenantId: string, email: string): Promise<string | null> {
  const row = (await knex('users').select('id').where({ tenant_id: tenantId, email }).first()) as { id: string } | undefined;
  return row?.id ?? null;
}
