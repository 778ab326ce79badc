import { randomUUID } from 'node:crypto';
import type { CatalogDependencies } from '../catalog/dependencies.js';
import type { AssetCategoryCommand, ExistingAssetCategory } from '../../domain/cmdb/index.js';
import { assetCategoryDecider, assetCategoryStream } from '../../domain/cmdb/index.js';
import { NotFoundError } from '../../domain/errors.js';
import type { EventStore, JsonObject, LogPosition } from '../../eventstore/types.js';
import { handleCommand, loadAggregate } from '../handle.js';
import type { CommandContext } from '../metadata.js';
import type { Actor } from '../identity/actor.js';
import { authorize } from '../identity/actor.js';

/** The CMDB needs what the catalog does: the store, read models, the clock. */
export type CmdbDependencies = CatalogDependencies;

export interface CmdbWritten {
  readonly id: string;
  readonly position: LogPosition | null;
}

export interface AssetCategoryInput {
  readonly name?: string;
  readonly description?: string;
  readonly attributesSchema?: JsonObject;
}

/** Another tenant's category is answered as absent. */
export async function loadAssetCategory(store: EventStore, tenantId: string, id: string): Promise<ExistingAssetCategory | null> {
  const { state } = await loadAggregate(store, assetCategoryDecider, assetCategoryStream(id));
  return state.status === 'none' || state.tenantId !== tenantId ? null : state;
}

export async function createAssetCategory(deps: CmdbDependencies, actor: Actor, input: AssetCategoryInput & { name: string }, context: CommandContext): Promise<CmdbWritten> {
  authorize(actor, 'assetCategory.manage');
  const id = randomUUID();
  const command: AssetCategoryCommand = {
    type: 'CreateAssetCategory',
    assetCategoryId: id,
    tenantId: actor.tenantId,
    name: input.name,
    ...(input.description !== undefined ? { description: input.description } : {}),
    ...(input.attributesSchema !== undefined ? { attributesSchema: input.attributesSchema } : {}),
    now: context.now,
  };
  const result = await handleCommand(deps.commands, assetCategoryDecider, assetCategoryStream(id), command, context);
  return { id, position: result.position };
}

export async function updateAssetCategory(deps: CmdbDependencies, actor: Actor, id: string, input: AssetCategoryInput, context: CommandContext, expectedVersion?: number): Promise<CmdbWritten> {
  authorize(actor, 'assetCategory.read');
  if (!(await loadAssetCategory(deps.commands.store, actor.tenantId, id))) throw new NotFoundError('asset category not found');
  authorize(actor, 'assetCategory.manage');
  const command: AssetCategoryCommand = {
    type: 'UpdateAssetCategory',
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.description !== undefined ? { description: input.description } : {}),
    ...(input.attributesSchema !== undefined ? { attributesSchema: input.attributesSchema } : {}),
    now: context.now,
  };
  const options = { mustExist: true, ...(expectedVersion !== undefined ? { expectedVersion } : {}) };
  const result = await handleCommand(deps.commands, assetCategoryDecider, assetCategoryStream(id), command, context, options);
  return { id, position: result.position };
}
