import type { Knex } from 'knex';
import type { RegisteredUser } from '../../domain/identity/index.js';
import { userDecider, userStream } from '../../domain/identity/index.js';
import { NotFoundError } from '../../domain/errors.js';
import type { EventStore } from '../../eventstore/types.js';
import { loadAggregate } from '../handle.js';

export async function tenantIdBySlug(knex: Knex, slug: string): Promise<string | null> {
  const row = (await knex('tenants').select('id').where({ slug }).first()) as { id: string } | undefined;
  return row?.id ?? null;
}

export async function userIdByEmail(knex: Knex, tenantId: string, email: string): Promise<string | null> {
  const row = (await knex('users').select('id').where({ tenant_id: tenantId, email }).first()) as { id: string } | undefined;
  return row?.id ?? null;
}

export async function isActiveUser(knex: Knex, tenantId: string, userId: string): Promise<boolean> {
  const row = (await knex('users').select('status').where({ tenant_id: tenantId, id: userId }).first()) as { status: string } | undefined;
  return row?.status === 'active';
}

export async function openSessionIds(knex: Knex, userId: string): Promise<string[]> {
  const rows = (await knex('auth_sessions').select('id').where({ user_id: userId }).whereNull('revoked_at')) as Array<{ id: string }>;
  return rows.map((row) => row.id);
}

/** The user's aggregate, or 404 when it does not exist in this tenant (another tenant's id looks absent). */
export async function loadTenantUser(store: EventStore, tenantId: string, userId: string): Promise<{ user: RegisteredUser; version: number }> {
  const { state, version } = await loadAggregate(store, userDecider, userStream(userId));
  if (state.status === 'unregistered' || state.tenantId !== tenantId) throw new NotFoundError('user not found');
  return { user: state, version };
}
