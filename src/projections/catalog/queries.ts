import type { Knex } from 'knex';
import type { JsonObject } from '../../eventstore/types.js';
import type { Page } from '../pagination.js';
import { pageByName } from '../pagination.js';

export interface CatalogVisibility {
  /** False for requesters: retired entries do not exist for them. */
  readonly includeInactive: boolean;
}

export interface CatalogFilter {
  readonly limit: number;
  readonly cursor?: string | undefined;
  readonly active?: boolean | undefined;
}

export interface CategoryView {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly parentId: string | null;
  readonly active: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly version: number;
}

interface CategoryRow {
  id: string;
  name: string;
  description: string;
  parent_id: string | null;
  active: boolean;
  created_at: Date;
  updated_at: Date;
  version: number;
}

export interface ServiceView {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly ownerTeamId: string | null;
  readonly criticality: string;
  readonly slaPolicyId: string | null;
  readonly requestForm: JsonObject | null;
  readonly active: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly version: number;
}

interface ServiceRow {
  id: string;
  name: string;
  description: string;
  owner_team_id: string | null;
  criticality: string;
  sla_policy_id: string | null;
  request_form: JsonObject | null;
  active: boolean;
  created_at: Date;
  updated_at: Date;
  version: number;
}

const CATEGORY_COLUMNS = ['id', 'name', 'description', 'parent_id', 'active', 'created_at', 'updated_at', 'version'];
const SERVICE_COLUMNS = ['id', 'name', 'description', 'owner_team_id', 'criticality', 'sla_policy_id', 'request_form', 'active', 'created_at', 'updated_at', 'version'];

export async function getCategory(knex: Knex, tenantId: string, id: string, visibility: CatalogVisibility): Promise<CategoryView | null> {
  const row = (await visible(knex('categories').select(CATEGORY_COLUMNS).where({ tenant_id: tenantId, id }), visibility).first()) as CategoryRow | undefined;
  return row ? categoryView(row) : null;
}

/** `parentId: null` lists the top-level categories. */
export async function listCategories(knex: Knex, tenantId: string, filter: CatalogFilter & { readonly parentId?: string | null | undefined }, visibility: CatalogVisibility): Promise<Page<CategoryView>> {
  const query = filtered(knex('categories').select(CATEGORY_COLUMNS).where({ tenant_id: tenantId }), filter, visibility);
  if (filter.parentId === null) query.whereNull('parent_id');
  else if (filter.parentId !== undefined) query.andWhere({ parent_id: filter.parentId });
  return pageByName(query, filter, categoryView);
}

export async function getService(knex: Knex, tenantId: string, id: string, visibility: CatalogVisibility): Promise<ServiceView | null> {
  const row = (await visible(knex('services').select(SERVICE_COLUMNS).where({ tenant_id: tenantId, id }), visibility).first()) as ServiceRow | undefined;
  return row ? serviceView(row) : null;
}

export async function listServices(knex: Knex, tenantId: string, filter: CatalogFilter, visibility: CatalogVisibility): Promise<Page<ServiceView>> {
  return pageByName(filtered(knex('services').select(SERVICE_COLUMNS).where({ tenant_id: tenantId }), filter, visibility), filter, serviceView);
}

/** The SLA policy an active service of the tenant names for its tickets, if any. */
export async function serviceSlaPolicyId(knex: Knex, tenantId: string, serviceId: string): Promise<string | null> {
  const row = (await knex('services').select('sla_policy_id').where({ tenant_id: tenantId, id: serviceId }).first()) as { sla_policy_id: string | null } | undefined;
  return row?.sla_policy_id ?? null;
}

function visible(query: Knex.QueryBuilder, visibility: CatalogVisibility): Knex.QueryBuilder {
  return visibility.includeInactive ? query : query.andWhere({ active: true });
}

/** A requester asking for retired entries gets none, rather than a hint that some exist. */
function filtered(query: Knex.QueryBuilder, filter: CatalogFilter, visibility: CatalogVisibility): Knex.QueryBuilder {
  const scoped = visible(query, visibility);
  return filter.active === undefined ? scoped : scoped.andWhere({ active: filter.active });
}

function categoryView(row: CategoryRow): CategoryView {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    parentId: row.parent_id,
    active: row.active,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    version: row.version,
  };
}

function serviceView(row: ServiceRow): ServiceView {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    ownerTeamId: row.owner_team_id,
    criticality: row.criticality,
    slaPolicyId: row.sla_policy_id,
    requestForm: row.request_form,
    active: row.active,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    version: row.version,
  };
}

// Facts commands check before they decide.

/** Tickets may point only at categories and services the tenant currently offers. */
export async function isOfferedCatalogEntry(knex: Knex, table: 'categories' | 'services', tenantId: string, id: string): Promise<boolean> {
  return (await knex(table).select('id').where({ tenant_id: tenantId, id, active: true }).first()) !== undefined;
}

export async function hasSubcategories(knex: Knex, tenantId: string, id: string): Promise<boolean> {
  const row: unknown = await knex('categories').select('id').where({ tenant_id: tenantId, parent_id: id }).first();
  return row !== undefined;
}

/** Whether the tenant's category is active; null when the tenant has no such category. */
export async function categoryIsActive(knex: Knex, tenantId: string, id: string): Promise<boolean | null> {
  const row = (await knex('categories').select('active').where({ tenant_id: tenantId, id }).first()) as { active: boolean } | undefined;
  return row ? row.active : null;
}
