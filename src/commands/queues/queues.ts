import { randomUUID } from 'node:crypto';
import { categoryDecider, categoryStream, serviceDecider, serviceStream } from '../../domain/catalog/index.js';
import { NotFoundError } from '../../domain/errors.js';
import type { AssignmentStrategy, ExistingQueue, QueueCommand, Reference, RulesInput } from '../../domain/queue/index.js';
import { queueDecider, queueStream } from '../../domain/queue/index.js';
import type { TicketType } from '../../domain/ticket/index.js';
import type { EventStore, LogPosition } from '../../eventstore/types.js';
import { findOwnerTeam } from '../catalog/access.js';
import { handleCommand, loadAggregate } from '../handle.js';
import type { CommandContext } from '../metadata.js';
import type { Actor } from '../identity/actor.js';
import { authorize } from '../identity/actor.js';
import type { QueueDependencies } from './dependencies.js';

export interface QueueWritten {
  readonly id: string;
  readonly position: LogPosition | null;
}

export interface QueueRulesInput {
  readonly ticketTypes?: TicketType[] | undefined;
  readonly categoryIds?: string[] | undefined;
  readonly serviceIds?: string[] | undefined;
}

export interface QueueInput {
  readonly name?: string;
  readonly description?: string;
  readonly teamId?: string;
  readonly rules?: QueueRulesInput;
  readonly position?: number;
  readonly strategy?: AssignmentStrategy;
}

/** Another tenant's queue is answered as absent. */
export async function loadVisibleQueue(store: EventStore, actor: Actor, id: string): Promise<ExistingQueue> {
  const { state } = await loadAggregate(store, queueDecider, queueStream(id));
  if (state.status === 'none' || state.tenantId !== actor.tenantId) throw new NotFoundError('queue not found');
  return state;
}

export async function createQueue(deps: QueueDependencies, actor: Actor, input: QueueInput & { name: string; teamId: string; position: number; strategy: AssignmentStrategy }, context: CommandContext): Promise<QueueWritten> {
  authorize(actor, 'queue.manage');
  const id = randomUUID();
  const command: QueueCommand = {
    type: 'CreateQueue',
    queueId: id,
    tenantId: actor.tenantId,
    name: input.name,
    ...(input.description !== undefined ? { description: input.description } : {}),
    team: await findOwnerTeam(deps.commands.store, actor.tenantId, input.teamId),
    rules: await rulesOf(deps.commands.store, actor.tenantId, input.rules ?? {}),
    position: input.position,
    strategy: input.strategy,
    now: context.now,
  };
  const result = await handleCommand(deps.commands, queueDecider, queueStream(id), command, context);
  return { id, position: result.position };
}

export async function updateQueue(deps: QueueDependencies, actor: Actor, id: string, input: QueueInput, context: CommandContext, expectedVersion?: number): Promise<QueueWritten> {
  authorize(actor, 'queue.read');
  await loadVisibleQueue(deps.commands.store, actor, id);
  authorize(actor, 'queue.manage');
  const command: QueueCommand = {
    type: 'UpdateQueue',
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.description !== undefined ? { description: input.description } : {}),
    ...(input.teamId !== undefined ? { team: await findOwnerTeam(deps.commands.store, actor.tenantId, input.teamId) } : {}),
    ...(input.rules !== undefined ? { rules: await rulesOf(deps.commands.store, actor.tenantId, input.rules) } : {}),
    ...(input.position !== undefined ? { position: input.position } : {}),
    ...(input.strategy !== undefined ? { strategy: input.strategy } : {}),
    now: context.now,
  };
  const options = { mustExist: true, ...(expectedVersion !== undefined ? { expectedVersion } : {}) };
  const result = await handleCommand(deps.commands, queueDecider, queueStream(id), command, context, options);
  return { id, position: result.position };
}

export async function setQueueActive(deps: QueueDependencies, actor: Actor, id: string, active: boolean, context: CommandContext, expectedVersion?: number): Promise<QueueWritten> {
  authorize(actor, 'queue.read');
  await loadVisibleQueue(deps.commands.store, actor, id);
  authorize(actor, 'queue.manage');
  const command: QueueCommand = active ? { type: 'ReactivateQueue', now: context.now } : { type: 'DeactivateQueue', now: context.now };
  const options = { mustExist: true, ...(expectedVersion !== undefined ? { expectedVersion } : {}) };
  const result = await handleCommand(deps.commands, queueDecider, queueStream(id), command, context, options);
  return { id, position: result.position };
}

/** Read from the log, so an entry created a moment ago is found; a retired one is not offered for new rules. */
async function rulesOf(store: EventStore, tenantId: string, rules: QueueRulesInput): Promise<RulesInput> {
  const category = async (id: string): Promise<Reference> => {
    const { state } = await loadAggregate(store, categoryDecider, categoryStream(id));
    return { id, found: state.status === 'active' && state.tenantId === tenantId };
  };
  const service = async (id: string): Promise<Reference> => {
    const { state } = await loadAggregate(store, serviceDecider, serviceStream(id));
    return { id, found: state.status === 'active' && state.tenantId === tenantId };
  };
  return {
    ...(rules.ticketTypes !== undefined ? { ticketTypes: rules.ticketTypes } : {}),
    ...(rules.categoryIds !== undefined ? { categories: await Promise.all(rules.categoryIds.map(category)) } : {}),
    ...(rules.serviceIds !== undefined ? { services: await Promise.all(rules.serviceIds.map(service)) } : {}),
  };
}
