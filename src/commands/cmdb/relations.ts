import { randomUUID } from 'node:crypto';
import type { AssetRelationType, RelationEnd, RelationGraphCommand } from '../../domain/cmdb/index.js';
import { assetDecider, assetStream, relationGraphDecider, relationGraphStream } from '../../domain/cmdb/index.js';
import { serviceDecider, serviceStream } from '../../domain/catalog/index.js';
import { handleCommand, loadAggregate } from '../handle.js';
import type { CommandContext } from '../metadata.js';
import type { Actor } from '../identity/actor.js';
import { authorize } from '../identity/actor.js';
import type { CmdbDependencies, CmdbWritten } from './asset-categories.js';
import { loadVisibleAsset } from './assets.js';

export interface RelationInput {
  readonly type: AssetRelationType;
  readonly targetAssetId?: string | undefined;
  readonly targetServiceId?: string | undefined;
}

/**
 * Adds an edge to the tenant's graph. The ends are read from the log, so an asset registered a
 * moment ago can be related at once; the graph stream's expected revision serializes concurrent
 * additions, so the cycle check in the decider always sees every edge.
 */
export async function addAssetRelation(deps: CmdbDependencies, actor: Actor, assetId: string, input: RelationInput, context: CommandContext): Promise<CmdbWritten> {
  const source = await loadVisibleAsset(deps.commands.store, actor, assetId);
  authorize(actor, 'asset.write');
  const relationId = randomUUID();
  const target = input.targetServiceId !== undefined ? await serviceEnd(deps, actor, input.targetServiceId) : await assetEnd(deps, actor, input.targetAssetId ?? '');
  const command: RelationGraphCommand = {
    type: 'AddAssetRelation',
    relationId,
    relationType: input.type,
    source: { kind: 'asset', id: source.id, found: true, disposed: source.status === 'disposed' },
    target,
    now: context.now,
  };
  const result = await handleCommand(deps.commands, relationGraphDecider, relationGraphStream(actor.tenantId), command, context);
  return { id: relationId, position: result.position };
}

export async function removeAssetRelation(deps: CmdbDependencies, actor: Actor, assetId: string, relationId: string, context: CommandContext): Promise<CmdbWritten> {
  await loadVisibleAsset(deps.commands.store, actor, assetId);
  authorize(actor, 'asset.write');
  const command: RelationGraphCommand = { type: 'RemoveAssetRelation', relationId, assetId, now: context.now };
  const result = await handleCommand(deps.commands, relationGraphDecider, relationGraphStream(actor.tenantId), command, context);
  return { id: relationId, position: result.position };
}

async function assetEnd(deps: CmdbDependencies, actor: Actor, id: string): Promise<RelationEnd> {
  const { state } = await loadAggregate(deps.commands.store, assetDecider, assetStream(id));
  const found = state.status !== 'none' && state.tenantId === actor.tenantId;
  return { kind: 'asset', id, found, disposed: found && state.status === 'disposed' };
}

/** Only a service the tenant still offers can be supported. */
async function serviceEnd(deps: CmdbDependencies, actor: Actor, id: string): Promise<RelationEnd> {
  const { state } = await loadAggregate(deps.commands.store, serviceDecider, serviceStream(id));
  return { kind: 'service', id, found: state.status === 'active' && state.tenantId === actor.tenantId };
}
