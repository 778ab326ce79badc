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
