import { randomUUID } from 'node:crypto';
import type { Criticality, OwnerTeam, ServiceCommand, ServiceSlaPolicy } from '../../domain/catalog/index.js';
import type { JsonObject } from '../../eventstore/types.js';
import { serviceDecider, serviceStream } from '../../domain/catalog/index.js';
import { handleCommand } from '../handle.js';
import type { CommandContext } from '../metadata.js';
import type { Actor } from '../identity/actor.js';
import { authorize } from '../identity/actor.js';
import { findOwnerTeam, findSlaPolicy, loadVisibleService } from './access.js';
import type { CatalogWritten } from './categories.js';
import type { CatalogDependencies } from './dependencies.js';

export interface ServiceInput {
  readonly name?: string;
  readonly description?: string;
  /** `null` takes the owner away; absent keeps it. */
  readonly ownerTeamId?: string | null;
  readonly criticality?: Criticality;
  /** `null` lets the scope rules pick the policy again; absent keeps it. */
  readonly slaPolicyId?: string | null;
  /** `null` takes the form away; absent keeps it. */
  readonly requestForm?: JsonObject | null;
}

export async function createService(deps: CatalogDependencies, actor: Actor, input: ServiceInput & { name: string; criticality: Criticality }, context: CommandContext): Promise<CatalogWritten> {
  authorize(actor, 'catalog.manage');
  const id = randomUUID();
  const command: ServiceCommand = {
    type: 'CreateService',
    serviceId: id,
    tenantId: actor.tenantId,
    name: input.name,
    ...(input.description !== undefined ? { description: input.description } : {}),
    ownerTeam: await ownerOf(deps, actor, input.ownerTeamId ?? null),
    criticality: input.criticality,
    slaPolicy: await slaPolicyOf(deps, actor, input.slaPolicyId ?? null),
    requestForm: input.requestForm ?? null,
    now: context.now,
  };
  const result = await handleCommand(deps.commands, serviceDecider, serviceStream(id), command, context);
  return { id, position: result.position };
}

export async function updateService(deps: CatalogDependencies, actor: Actor, id: string, input: ServiceInput, context: CommandContext, expectedVersion?: number): Promise<CatalogWritten> {
  authorize(actor, 'catalog.read');
  await loadVisibleService(deps.commands.store, actor, id);
  authorize(actor, 'catalog.manage');
  const command: ServiceCommand = {
    type: 'UpdateService',
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.description !== undefined ? { description: input.description } : {}),
    ...(input.ownerTeamId !== undefined ? { ownerTeam: await ownerOf(deps, actor, input.ownerTeamId) } : {}),
    ...(input.criticality !== undefined ? { criticality: input.criticality } : {}),
    ...(input.slaPolicyId !== undefined ? { slaPolicy: await slaPolicyOf(deps, actor, input.slaPolicyId) } : {}),
    ...(input.requestForm !== undefined ? { requestForm: input.requestForm } : {}),
    now: context.now,
  };
  const options = { mustExist: true, ...(expectedVersion !== undefined ? { expectedVersion } : {}) };
  const result = await handleCommand(deps.commands, serviceDecider, serviceStream(id), command, context, options);
  return { id, position: result.position };
}

export async function setServiceActive(deps: CatalogDependencies, actor: Actor, id: string, active: boolean, context: CommandContext, expectedVersion?: number): Promise<CatalogWritten> {
  authorize(actor, 'catalog.read');
  await loadVisibleService(deps.commands.store, actor, id);
  authorize(actor, 'catalog.manage');
  const command: ServiceCommand = active ? { type: 'ReactivateService', now: context.now } : { type: 'DeactivateService', now: context.now };
  const options = { mustExist: true, ...(expectedVersion !== undefined ? { expectedVersion } : {}) };
  const result = await handleCommand(deps.commands, serviceDecider, serviceStream(id), command, context, options);
  return { id, position: result.position };
}

function ownerOf(deps: CatalogDependencies, actor: Actor, teamId: string | null): Promise<OwnerTeam | null> {
  return teamId === null ? Promise.resolve(null) : findOwnerTeam(deps.commands.store, actor.tenantId, teamId);
}

function slaPolicyOf(deps: CatalogDependencies, actor: Actor, policyId: string | null): Promise<ServiceSlaPolicy | null> {
  return policyId === null ? Promise.resolve(null) : findSlaPolicy(deps.commands.store, actor.tenantId, policyId);
}
