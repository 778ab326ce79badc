import type { Knex } from 'knex';
import type { JsonObject } from '../../eventstore/types.js';
import type { Page } from '../pagination.js';
import { pageByName } from '../pagination.js';

export interface AssetCategoryView {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly attributesSchema: JsonObject;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly version: number;
}

interface AssetCategoryRow {
  id: string;
  name: string;
  description: string;
  attributes_schema: JsonObject;
  created_at: Date;
  updated_at: Date;
  version: number;
}

export interface AssetView {
  readonly id: string;
  readonly tag: string;
  readonly name: string;
  readonly categoryId: string;
  readonly status: string;
  readonly ownerUserId: string | null;
  readonly location: string | null;
  readonly serial: string | null;
  readonly vendor: string | null;
  readonly purchaseDate: string | null;
  readonly purchaseCost: string | null;
  readonly warrantyEnd: string | null;
  readonly attributes: JsonObject;
  /** The earliest planned maintenance not yet done or cancelled. */
  readonly nextMaintenanceOn: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly version: number;
}

interface AssetRow {
  id: string;
  tag: string;
  name: string;
  category_id: string;
  status: string;
  owner_user_id: string | null;
  location: string | null;
  serial: string | null;
  vendor: string | null;
  purchase_date: string | null;
  purchase_cost: string | null;
  warranty_end: string | null;
  attributes: JsonObject;
  next_maintenance_on: string | null;
  created_at: Date;
  updated_at: Date;
  version: number;
}

export interface AssetFilter {
  readonly limit: number;
  readonly cursor?: string | undefined;
  readonly status?: string | undefined;
  readonly categoryId?: string | undefined;
  readonly ownerUserId?: string | undefined;
  readonly tag?: string | undefined;
  /** `overdue`: a planned maintenance's date is before `today` (YYYY-MM-DD, the caller's clock). */
  readonly maintenance?: { readonly overdueBefore: string } | undefined;
}

const CATEGORY_COLUMNS = ['id', 'name', 'description', 'attributes_schema', 'created_at', 'updated_at', 'version'];
const ASSET_COLUMNS = ['id', 'tag', 'name', 'category_id', 'status', 'owner_user_id', 'location', 'serial', 'vendor', 'purchase_date', 'purchase_cost', 'warranty_end', 'attributes', 'next_maintenance_on', 'created_at', 'updated_at', 'version'];

export async function getAssetCategory(knex: Knex, tenantId: string, id: string): Promise<AssetCategoryView | null> {
  const row = (await knex('asset_categories').select(CATEGORY_COLUMNS).where({ tenant_id: tenantId, id }).first()) as AssetCategoryRow | undefined;
  return row ? categoryView(row) : null;
}

export async function listAssetCategories(knex: Knex, tenantId: string, page: { readonly limit: number; readonly cursor?: string | undefined }): Promise<Page<AssetCategoryView>> {
  return pageByName(knex('asset_categories').select(CATEGORY_COLUMNS).where({ tenant_id: tenantId }), page, categoryView);
}

/** `onlyOwnedBy` narrows a requester's view to the assets assigned to them. */
export async function getAsset(knex: Knex, tenantId: string, id: string, onlyOwnedBy: string | null): Promise<AssetView | null> {
  const query = knex('assets').select(ASSET_COLUMNS).where({ tenant_id: tenantId, id });
  if (onlyOwnedBy !== null) query.andWhere({ owner_user_id: onlyOwnedBy });
  const row = (await query.first()) as AssetRow | undefined;
  return row ? assetView(row) : null;
}

export async function listAssets(knex: Knex, tenantId: string, filter: AssetFilter, onlyOwnedBy: string | null): Promise<Page<AssetView>> {
  const query = knex('assets').select(ASSET_COLUMNS).where({ tenant_id: tenantId });
  if (onlyOwnedBy !== null) query.andWhere({ owner_user_id: onlyOwnedBy });
  if (filter.status !== undefined) query.andWhere({ status: filter.status });
  if (filter.categoryId !== undefined) query.andWhere({ category_id: filter.categoryId });
  if (filter.ownerUserId !== undefined) query.andWhere({ owner_user_id: filter.ownerUserId });
  // Tags are unique case-insensitively, so they are looked up that way too.
  if (filter.tag !== undefined) query.andWhereRaw('lower(tag) = lower(?)', [filter.tag]);
  if (filter.maintenance !== undefined) query.andWhere('next_maintenance_on', '<', filter.maintenance.overdueBefore);
  return pageByName(query, filter, assetView);
}

function categoryView(row: AssetCategoryRow): AssetCategoryView {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    attributesSchema: row.attributes_schema,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    version: row.version,
  };
}

function assetView(row: AssetRow): AssetView {
  return {
    id: row.id,
    tag: row.tag,
    name: row.name,
    categoryId: row.category_id,
    status: row.status,
    ownerUserId: row.owner_user_id,
    location: row.location,
    serial: row.serial,
    vendor: row.vendor,
    purchaseDate: row.purchase_date,
    purchaseCost: row.purchase_cost,
    warrantyEnd: row.warranty_end,
    attributes: row.attributes,
    nextMaintenanceOn: row.next_maintenance_on,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    version: row.version,
  };
}

// Facts commands check before they decide.

/** Status and owner of the named assets that belong to the tenant, by id. */
export async function referencedAssets(knex: Knex, tenantId: string, ids: readonly string[]): Promise<Map<string, { status: string; ownerUserId: string | null }>> {
  const rows = (await knex('assets')
    .select('id', 'status', 'owner_user_id')
    .where({ tenant_id: tenantId })
    .whereIn('id', [...new Set(ids.map((id) => id.toLowerCase()))])) as Array<{ id: string; status: string; owner_user_id: string | null }>;
  return new Map(rows.map((row) => [row.id, { status: row.status, ownerUserId: row.owner_user_id }]));
}
