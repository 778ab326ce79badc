import type { Knex } from 'knex';

/** The other end of a relation, named so a list reads without a lookup per row. */
export interface RelationEndView {
  readonly kind: 'asset' | 'service';
  readonly id: string;
  readonly name: string | null;
  readonly tag: string | null;
}

export interface RelationView {
  readonly id: string;
  readonly type: string;
  readonly sourceAssetId: string;
  readonly targetAssetId: string | null;
  readonly targetServiceId: string | null;
  /** `outgoing`: this asset is the source ("this depends_on that"); `incoming`: it is the target. */
  readonly direction: 'outgoing' | 'incoming';
  readonly other: RelationEndView;
  readonly createdAt: string;
}

interface RelationRow {
  id: string;
  type: string;
  source_asset_id: string;
  target_asset_id: string | null;
  target_service_id: string | null;
  created_at: Date;
  other_name: string | null;
  other_tag: string | null;
}

/** A configuration item has a handful of relations, rarely hundreds; more than this is cut, oldest first kept. */
export const RELATIONS_SHOWN = 500;

export async function listRelations(knex: Knex, tenantId: string, assetId: string): Promise<RelationView[]> {
  const base = ['r.id', 'r.type', 'r.source_asset_id', 'r.target_asset_id', 'r.target_service_id', 'r.created_at'];
  const outgoing = (await knex('asset_relations as r')
    .select([...base, knex.raw('coalesce(a.name, s.name) as other_name'), 'a.tag as other_tag'])
    .leftJoin('assets as a', 'a.id', 'r.target_asset_id')
    .leftJoin('services as s', 's.id', 'r.target_service_id')
    .where({ 'r.tenant_id': tenantId, 'r.source_asset_id': assetId })
    .orderBy([{ column: 'r.created_at' }, { column: 'r.id' }])
    .limit(RELATIONS_SHOWN)) as RelationRow[];
  const incoming = (await knex('asset_relations as r')
    .select([...base, 'a.name as other_name', 'a.tag as other_tag'])
    .leftJoin('assets as a', 'a.id', 'r.source_asset_id')
    .where({ 'r.tenant_id': tenantId, 'r.target_asset_id': assetId })
    .orderBy([{ column: 'r.created_at' }, { column: 'r.id' }])
    .limit(RELATIONS_SHOWN)) as RelationRow[];
  return [...outgoing.map((row) => relationView(row, 'outgoing')), ...incoming.map((row) => relationView(row, 'incoming'))];
}

export async function getRelation(knex: Knex, tenantId: string, assetId: string, id: string): Promise<RelationView | null> {
  return (await listRelations(knex, tenantId, assetId)).find((relation) => relation.id === id) ?? null;
}

function relationView(row: RelationRow, direction: 'outgoing' | 'incoming'): RelationView {
  const other: RelationEndView =
    direction === 'incoming'
      ? { kind: 'asset', id: row.source_asset_id, name: row.other_name, tag: row.other_tag }
      : row.target_service_id !== null
        ? { kind: 'service', id: row.target_service_id, name: row.other_name, tag: null }
        : { kind: 'asset', id: row.target_asset_id ?? '', name: row.other_name, tag: row.other_tag };
  return {
    id: row.id,
    type: row.type,
    sourceAssetId: row.source_asset_id,
    targetAssetId: row.target_asset_id,
    targetServiceId: row.target_service_id,
    direction,
    other,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

export interface ImpactedItem {
  readonly kind: 'asset' | 'service';
  readonly id: string;
  readonly name: string;
  readonly tag: string | null;
  readonly status: string;
  /** Hops from the failing asset: 1 for what relies on it directly. */
  readonly depth: number;
  /** Ids from the failing asset to this item, both included. */
  readonly path: string[];
  /** The relation that carries the failure into this item. */
  readonly via: string;
}

export interface Impact {
  readonly assetId: string;
  readonly maxDepth: number;
  readonly data: ImpactedItem[];
  /** True when the depth or size bound cut the walk short. */
  readonly truncated: boolean;
}

export const IMPACT_MAX_DEPTH = 10;
export const IMPACT_MAX_ITEMS = 500;
const CARRIES_FAILURE = ['depends_on', 'runs_on', 'part_of'];

/**
 * What fails if this asset fails: every asset that depends_on, runs_on or is part_of it, then
 * theirs, breadth first (so each item shows its shortest path), and the services any of them
 * support. connected_to carries no failure. One query per level, bounded in depth and size.
 */
export async function assetImpact(knex: Knex, tenantId: string, assetId: string, maxDepth: number): Promise<Impact> {
  const paths = new Map<string, string[]>([[assetId, [assetId]]]);
  const items: ImpactedItem[] = [];
  let frontier = [assetId];
  let truncated = false;
  for (let depth = 1; frontier.length > 0; depth += 1) {
    const [dependents, services] = await Promise.all([
      knex('asset_relations as r')
        .join('assets as a', 'a.id', 'r.source_asset_id')
        .select('r.source_asset_id as id', 'r.target_asset_id as from', 'r.type', 'a.name', 'a.tag', 'a.status')
        .where({ 'r.tenant_id': tenantId, 'a.tenant_id': tenantId })
        .whereIn('r.target_asset_id', frontier)
        .whereIn('r.type', CARRIES_FAILURE)
        .orderBy([{ column: 'a.name' }, { column: 'a.id' }]) as Promise<Array<{ id: string; from: string; type: string; name: string; tag: string; status: string }>>,
      knex('asset_relations as r')
        .join('services as s', 's.id', 'r.target_service_id')
        .select('s.id', 'r.source_asset_id as from', 's.name', 's.active')
        .where({ 'r.tenant_id': tenantId, 's.tenant_id': tenantId, 'r.type': 'supports' })
        .whereIn('r.source_asset_id', frontier)
        .orderBy([{ column: 's.name' }, { column: 's.id' }]) as Promise<Array<{ id: string; from: string; name: string; active: boolean }>>,
    ]);
    if (depth > maxDepth) {
      // One level past the bound is read only to tell the caller whether anything was left out.
      truncated = [...dependents, ...services].some((item) => !paths.has(item.id));
      break;
    }
    // A service sits one hop past the asset that supports it; it relies on nothing further here.
    for (const service of services) {
      if (paths.has(service.id)) continue;
      if (items.length >= IMPACT_MAX_ITEMS) return { assetId, maxDepth, data: items, truncated: true };
      const path = [...(paths.get(service.from) ?? []), service.id];
      paths.set(service.id, path);
      items.push({ kind: 'service', id: service.id, name: service.name, tag: null, status: service.active ? 'active' : 'inactive', depth, path, via: 'supports' });
    }
    const next: string[] = [];
    for (const dependent of dependents) {
      if (paths.has(dependent.id)) continue;
      if (items.length >= IMPACT_MAX_ITEMS) return { assetId, maxDepth, data: items, truncated: true };
      const path = [...(paths.get(dependent.from) ?? []), dependent.id];
      paths.set(dependent.id, path);
      items.push({ kind: 'asset', id: dependent.id, name: dependent.name, tag: dependent.tag, status: dependent.status, depth, path, via: dependent.type });
      next.push(dependent.id);
    }
    frontier = next;
  }
  return { assetId, maxDepth, data: items, truncated };
}
