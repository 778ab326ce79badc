import type { DomainEvent } from '../decider.js';
import { ConflictError, IllegalStateError, NotFoundError, ValidationError } from '../errors.js';

/**
 * How a tenant's configuration items hang together. An edge reads "source <type> target": the web
 * server runs_on the VM, the VM runs_on the host, the disk is part_of the storage array, the CRM
 * depends_on the database, an asset supports a catalog service. connected_to is symmetric and
 * carries no failure.
 *
 * The whole graph of a tenant is one stream, so the cycle check happens inside `decide` against
 * every edge appended so far: two racing additions that would close a loop between them cannot both
 * append at the same expected revision, and the loser is re-decided on the new graph.
 */
export const ASSET_RELATION_TYPES = ['depends_on', 'runs_on', 'part_of', 'connected_to', 'supports'] as const;
export type AssetRelationType = (typeof ASSET_RELATION_TYPES)[number];

/** The failure-carrying types: a loop through them would make an asset depend on itself. */
export const DIRECTED_TYPES: readonly AssetRelationType[] = ['depends_on', 'runs_on', 'part_of'];

export type AssetRelation = {
  readonly relationId: string;
  readonly type: AssetRelationType;
  readonly sourceAssetId: string;
  /** Set for every type but `supports`. */
  readonly targetAssetId: string | null;
  /** Set for `supports` only: the catalog service the source asset keeps running. */
  readonly targetServiceId: string | null;
};

export type AssetRelationAdded = DomainEvent<'AssetRelationAdded', AssetRelation & { at: string }>;
export type AssetRelationRemoved = DomainEvent<'AssetRelationRemoved', { relationId: string; at: string }>;
export type RelationGraphEvent = AssetRelationAdded | AssetRelationRemoved;

/** An end of an edge as the caller found it: `found` only for a live configuration item of the same tenant. */
export type RelationEnd = { readonly kind: 'asset' | 'service'; readonly id: string; readonly found: boolean; readonly disposed?: boolean };

export type AddAssetRelation = { type: 'AddAssetRelation'; relationId: string; relationType: AssetRelationType; source: RelationEnd; target: RelationEnd; now: Date };
/** `assetId` is the asset the caller reached the relation through: an edge not touching it is not found. */
export type RemoveAssetRelation = { type: 'RemoveAssetRelation'; relationId: string; assetId: string; now: Date };
export type RelationGraphCommand = AddAssetRelation | RemoveAssetRelation;

export type RelationGraph = { readonly relations: Readonly<Record<string, AssetRelation>> };

export const relationGraphStream = (tenantId: string): string => `cmdbgraph-${tenantId}`;

export function initialState(): RelationGraph {
  return { relations: {} };
}

export function evolve(state: RelationGraph, event: RelationGraphEvent): RelationGraph {
  switch (event.type) {
    case 'AssetRelationAdded': {
      const { at: _at, ...relation } = event.data;
      return { relations: { ...state.relations, [relation.relationId]: relation } };
    }
    case 'AssetRelationRemoved': {
      const { [event.data.relationId]: _removed, ...rest } = state.relations;
      return { relations: rest };
    }
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

export function decide(command: RelationGraphCommand, state: RelationGraph): RelationGraphEvent[] {
  switch (command.type) {
    case 'AddAssetRelation':
      return add(command, state);
    case 'RemoveAssetRelation':
      return remove(command, state);
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}

function add(command: AddAssetRelation, state: RelationGraph): RelationGraphEvent[] {
  const { source, target, relationType: type } = command;
  if (!source.found || source.kind !== 'asset') throw new NotFoundError('asset not found');
  if (source.disposed) throw new IllegalStateError('a disposed asset takes no new relations', { currentStatus: 'disposed' });
  const targetPath = type === 'supports' ? '/targetServiceId' : '/targetAssetId';
  const wanted = type === 'supports' ? 'service' : 'asset';
  if (target.kind !== wanted) throw new ValidationError('invalid relation', [{ path: targetPath, message: `a ${type} relation points at ${wanted === 'service' ? 'a service' : 'an asset'}` }]);
  if (!target.found) throw new ValidationError('invalid relation', [{ path: targetPath, message: `no active ${wanted} of this tenant with this id` }]);
  if (target.disposed) throw new ValidationError('invalid relation', [{ path: targetPath, message: 'the asset is disposed' }]);
  if (target.kind === 'asset' && target.id === source.id) throw new ValidationError('invalid relation', [{ path: targetPath, message: 'an asset cannot relate to itself' }]);
  const edges = Object.values(state.relations);
  const duplicate = edges.find((edge) => edge.type === type && sameEnds(edge, source.id, target.id, type === 'connected_to'));
  if (duplicate) throw new ConflictError(`this ${type} relation already exists (${duplicate.relationId})`);
  if (DIRECTED_TYPES.includes(type)) {
    const loop = pathBetween(edges, target.id, source.id);
    if (loop) throw new IllegalStateError(`this ${type} relation would close a dependency cycle`, { cycle: [source.id, ...loop] });
  }
  const relation: AssetRelation = {
    relationId: command.relationId,
    type,
    sourceAssetId: source.id,
    targetAssetId: target.kind === 'asset' ? target.id : null,
    targetServiceId: target.kind === 'service' ? target.id : null,
  };
  return [{ type: 'AssetRelationAdded', data: { ...relation, at: command.now.toISOString() } }];
}

function remove(command: RemoveAssetRelation, state: RelationGraph): RelationGraphEvent[] {
  const relation = state.relations[command.relationId];
  if (!relation || (relation.sourceAssetId !== command.assetId && relation.targetAssetId !== command.assetId)) throw new NotFoundError('relation not found');
  return [{ type: 'AssetRelationRemoved', data: { relationId: command.relationId, at: command.now.toISOString() } }];
}

function sameEnds(edge: AssetRelation, source: string, target: string, symmetric: boolean): boolean {
  const to = edge.targetAssetId ?? edge.targetServiceId;
  return (edge.sourceAssetId === source && to === target) || (symmetric && edge.sourceAssetId === target && to === source);
}

/**
 * A path from `from` to `to` along the directed edges, as the list of assets after `from`, or
 * null. Breadth first over every edge the tenant has; the graph is the aggregate's whole state.
 */
export function pathBetween(edges: readonly AssetRelation[], from: string, to: string): string[] | null {
  const next = new Map<string, string[]>();
  for (const edge of edges) {
    if (!DIRECTED_TYPES.includes(edge.type) || edge.targetAssetId === null) continue;
    next.set(edge.sourceAssetId, [...(next.get(edge.sourceAssetId) ?? []), edge.targetAssetId]);
  }
  const cameFrom = new Map<string, string>([[from, from]]);
  const queue = [from];
  while (queue.length > 0) {
    const current = queue.shift()!;
    if (current === to) {
      const path: string[] = [];
      for (let step = to; step !== from; step = cameFrom.get(step)!) path.unshift(step);
      return [from, ...path];
    }
    for (const neighbour of next.get(current) ?? []) {
      if (cameFrom.has(neighbour)) continue;
      cameFrom.set(neighbour, current);
      queue.push(neighbour);
    }
  }
  return null;
}

export const relationGraphDecider = { initialState, evolve, decide };
