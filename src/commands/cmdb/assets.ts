import { randomUUID } from 'node:crypto';
import type { AssetCategoryFact, AssetChanges, AssetCommand, AssetStatus, ExistingAsset, OwnerFact } from '../../domain/cmdb/index.js';
import { assetDecider, assetStream, assetTagReservationDecider, assetTagStream } from '../../domain/cmdb/index.js';
import { NotFoundError } from '../../domain/errors.js';
import { userDecider, userStream } from '../../domain/identity/index.js';
import { can } from '../../domain/permissions.js';
import type { EventStore } from '../../eventstore/types.js';
import { handleCommand, loadAggregate } from '../handle.js';
import type { CommandContext } from '../metadata.js';
import type { Actor } from '../identity/actor.js';
import { authorize } from '../identity/actor.js';
import type { CmdbDependencies, CmdbWritten } from './asset-categories.js';
import { loadAssetCategory } from './asset-categories.js';

export type AssetInput = AssetChanges & { readonly categoryId?: string };

/** A requester may see an asset assigned to them; any other, like another tenant's, does not exist for them. */
export function seesAsset(actor: Actor, asset: { readonly ownerUserId: string | null }): boolean {
  return can(actor.role, 'asset.read') || (can(actor.role, 'asset.readOwn') && asset.ownerUserId === actor.userId);
}

export async function loadVisibleAsset(store: EventStore, actor: Actor, id: string): Promise<ExistingAsset> {
  const { state } = await loadAggregate(store, assetDecider, assetStream(id));
  if (state.status === 'none' || state.tenantId !== actor.tenantId || !seesAsset(actor, state)) throw new NotFoundError('asset not found');
  return state;
}

export async function createAsset(deps: CmdbDependencies, actor: Actor, input: AssetInput & { tag: string; name: string; categoryId: string; status?: AssetStatus }, context: CommandContext): Promise<CmdbWritten> {
  authorize(actor, 'asset.write');
  const id = randomUUID();
  const { tag, name, categoryId, status, ownerUserId, ...changes } = input;
  const command: AssetCommand = {
    type: 'RegisterAsset',
    assetId: id,
    tenantId: actor.tenantId,
    tag,
    name,
    ...(status !== undefined ? { status } : {}),
    category: await categoryFact(deps, actor, categoryId),
    owner: ownerUserId === undefined || ownerUserId === null ? null : await ownerFact(deps, actor, ownerUserId),
    changes,
    now: context.now,
  };
  // Decided once before the tag is reserved: a refused asset must not hold its tag for ever.
  assetDecider.decide(command, assetDecider.initialState());
  await handleCommand(deps.commands, assetTagReservationDecider, assetTagStream(actor.tenantId, tag.trim()), { type: 'ReserveAssetTag', tag: tag.trim(), assetId: id }, context);
  const result = await handleCommand(deps.commands, assetDecider, assetStream(id), command, context);
  return { id, position: result.position };
}

export async function updateAsset(deps: CmdbDependencies, actor: Actor, id: string, input: AssetInput, context: CommandContext, expectedVersion?: number): Promise<CmdbWritten> {
  const current = await loadVisibleAsset(deps.commands.store, actor, id);
  authorize(actor, 'asset.write');
  const { categoryId, ownerUserId, ...changes } = input;
  const command: AssetCommand = {
    type: 'UpdateAsset',
    category: await categoryFact(deps, actor, categoryId ?? current.categoryId),
    ...(ownerUserId !== undefined ? { owner: ownerUserId === null ? null : await ownerFact(deps, actor, ownerUserId) } : {}),
    changes,
    now: context.now,
  };
  const options = { mustExist: true, ...(expectedVersion !== undefined ? { expectedVersion } : {}) };
  const result = await handleCommand(deps.commands, assetDecider, assetStream(id), command, context, options);
  return { id, position: result.position };
}

export async function changeAssetStatus(deps: CmdbDependencies, actor: Actor, id: string, input: { status: AssetStatus; note?: string | undefined }, context: CommandContext, expectedVersion?: number): Promise<CmdbWritten> {
  await loadVisibleAsset(deps.commands.store, actor, id);
  authorize(actor, 'asset.write');
  const command: AssetCommand = { type: 'ChangeAssetStatus', status: input.status, ...(input.note !== undefined ? { note: input.note } : {}), now: context.now };
  const options = { mustExist: true, ...(expectedVersion !== undefined ? { expectedVersion } : {}) };
  const result = await handleCommand(deps.commands, assetDecider, assetStream(id), command, context, options);
  return { id, position: result.position };
}

/** Read from the log, not a read model, so a category revised a moment ago applies at once. */
async function categoryFact(deps: CmdbDependencies, actor: Actor, id: string): Promise<AssetCategoryFact> {
  const category = await loadAssetCategory(deps.commands.store, actor.tenantId, id);
  return category ? { id, found: true, attributesSchema: category.attributesSchema } : { id, found: false };
}

async function ownerFact(deps: CmdbDependencies, actor: Actor, id: string): Promise<OwnerFact> {
  const { state } = await loadAggregate(deps.commands.store, userDecider, userStream(id));
  return { id, active: state.status === 'active' && state.tenantId === actor.tenantId };
}
