import type { Knex } from 'knex';
import type { JsonObject } from '../../eventstore/types.js';

/** An asset as the export writes it: category by name and owner by email, which mean something in another tenant. */
export interface AssetSheetEntry {
  readonly tag: string;
  readonly name: string;
  readonly category: string;
  readonly status: string;
  readonly owner: string | null;
  readonly location: string | null;
  readonly serial: string | null;
  readonly vendor: string | null;
  readonly purchaseDate: string | null;
  readonly purchaseCost: string | null;
  readonly warrantyEnd: string | null;
  readonly attributes: JsonObject;
}

export interface AssetExportFilter {
  readonly status?: string | undefined;
  readonly categoryId?: string | undefined;
}

interface EntryRow {
  id: string;
  tag: string;
  name: string;
  category: string | null;
  status: string;
  owner: string | null;
  location: string | null;
  serial: string | null;
  vendor: string | null;
  purchase_date: string | null;
  purchase_cost: string | null;
  warranty_end: string | null;
  attributes: JsonObject;
}

function filtered(knex: Knex, tenantId: string, filter: AssetExportFilter): Knex.QueryBuilder {
  const query = knex('assets').where('assets.tenant_id', tenantId);
  if (filter.status !== undefined) query.andWhere('assets.status', filter.status);
  if (filter.categoryId !== undefined) query.andWhere('assets.category_id', filter.categoryId);
  return query;
}

/** Every attribute name the exported assets use, so the header is known before the first row is written. */
export async function exportedAttributeNames(knex: Knex, tenantId: string, filter: AssetExportFilter): Promise<string[]> {
  const keys = filtered(knex, tenantId, filter).select(knex.raw('jsonb_object_keys(assets.attributes) AS key'));
  const rows = (await knex.select('key').from(keys.as('keys')).distinct().orderBy('key')) as Array<{ key: string }>;
  return rows.map((row) => row.key);
}

/**
 * The tenant's assets page by page in (name, id) order, the keyset every filter's index ends in:
 * a large export never holds the connection (PGlite has one) or the whole list at once.
 */
export async function* exportedAssets(knex: Knex, tenantId: string, filter: AssetExportFilter, pageSize = 1_000): AsyncGenerator<AssetSheetEntry> {
  let after: { name: string; id: string } | null = null;
  for (;;) {
    const query = filtered(knex, tenantId, filter)
      .leftJoin('asset_categories', 'asset_categories.id', 'assets.category_id')
      .leftJoin('users', 'users.id', 'assets.owner_user_id')
      .select(
        'assets.id',
        'assets.tag',
        'assets.name',
        'asset_categories.name as category',
        'assets.status',
        'users.email as owner',
        'assets.location',
        'assets.serial',
        'assets.vendor',
        'assets.purchase_date',
        'assets.purchase_cost',
        'assets.warranty_end',
        'assets.attributes',
      )
      .orderBy([{ column: 'assets.name' }, { column: 'assets.id' }])
      .limit(pageSize);
    if (after) query.andWhereRaw('(assets.name, assets.id) > (?, ?)', [after.name, after.id]);
    const rows = (await query) as EntryRow[];
    for (const row of rows) yield entryOf(row);
    const last = rows.at(-1);
    if (!last || rows.length < pageSize) return;
    after = { name: last.name, id: last.id };
  }
}

function entryOf(row: EntryRow): AssetSheetEntry {
  return {
    tag: row.tag,
    name: row.name,
    category: row.category ?? '',
    status: row.status,
    owner: row.owner,
    location: row.location,
    serial: row.serial,
    vendor: row.vendor,
    purchaseDate: row.purchase_date,
    purchaseCost: row.purchase_cost,
    warrantyEnd: row.warranty_end,
    attributes: row.attributes,
  };
}
