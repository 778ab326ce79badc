import { randomUUID } from 'node:crypto';
import type { AssetCommand, MaintenanceCompletion, MaintenancePlan } from '../../domain/cmdb/index.js';
import { assetDecider, assetStream } from '../../domain/cmdb/index.js';
import { handleCommand } from '../handle.js';
import type { CommandContext } from '../metadata.js';
import type { Actor } from '../identity/actor.js';
import { authorize } from '../identity/actor.js';
import type { CmdbDependencies, CmdbWritten } from './asset-categories.js';
import { loadVisibleAsset } from './assets.js';

export type MaintenanceInput = MaintenancePlan & { readonly done?: MaintenanceCompletion | undefined };

/** Plans a maintenance, or records one already carried out when `done` is given. */
export async function planAssetMaintenance(deps: CmdbDependencies, actor: Actor, assetId: string, input: MaintenanceInput, context: CommandContext, expectedVersion?: number): Promise<CmdbWritten> {
  const { done, ...plan } = input;
  const maintenanceId = randomUUID();
  const command: AssetCommand = { type: 'PlanAssetMaintenance', maintenanceId, plan, ...(done !== undefined ? { done } : {}), now: context.now };
  return { id: maintenanceId, position: await onVisibleAsset(deps, actor, assetId, command, context, expectedVersion) };
}

export async function completeAssetMaintenance(deps: CmdbDependencies, actor: Actor, assetId: string, maintenanceId: string, completion: MaintenanceCompletion, context: CommandContext, expectedVersion?: number): Promise<CmdbWritten> {
  const command: AssetCommand = { type: 'CompleteAssetMaintenance', maintenanceId, completion, now: context.now };
  return { id: maintenanceId, position: await onVisibleAsset(deps, actor, assetId, command, context, expectedVersion) };
}

export async function cancelAssetMaintenance(deps: CmdbDependencies, actor: Actor, assetId: string, maintenanceId: string, reason: string | undefined, context: CommandContext, expectedVersion?: number): Promise<CmdbWritten> {
  const command: AssetCommand = { type: 'CancelAssetMaintenance', maintenanceId, ...(reason !== undefined ? { reason } : {}), now: context.now };
  return { id: maintenanceId, position: await onVisibleAsset(deps, actor, assetId, command, context, expectedVersion) };
}

async function onVisibleAsset(deps: CmdbDependencies, actor: Actor, assetId: string, command: AssetCommand, context: CommandContext, expectedVersion: number | undefined) {
  await loadVisibleAsset(deps.commands.store, actor, assetId);
  authorize(actor, 'asset.write');
  const options = { mustExist: true, ...(expectedVersion !== undefined ? { expectedVersion } : {}) };
  return (await handleCommand(deps.commands, assetDecider, assetStream(assetId), command, context, options)).position;
}
