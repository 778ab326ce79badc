import { randomUUID } from 'node:crypto';
import type { Group, GroupCommand } from '../../domain/identity/index.js';
import { departmentDecider, departmentStream, teamDecider, teamStream } from '../../domain/identity/index.js';
import { NotFoundError } from '../../domain/errors.js';
import type { Decider, DomainEvent } from '../../domain/decider.js';
import type { LogPosition } from '../../eventstore/types.js';
import { handleCommand, loadAggregate } from '../handle.js';
import type { CommandContext } from '../metadata.js';
import type { Actor } from './actor.js';
import { authorize } from './actor.js';
import type { IdentityDependencies } from './dependencies.js';
import { isActiveUser } from '../../projections/users/queries.js';

export type GroupKind = 'team' | 'department';

type GroupRun<R> = <Event extends DomainEvent>(decider: Decider<Group, GroupCommand, Event>, stream: (id: string) => string) => Promise<R>;

/** Teams and departments share one rule book; this picks the event vocabulary and stream names. */
function withKind<R>(kind: GroupKind, run: GroupRun<R>): Promise<R> {
  return kind === 'team' ? run(teamDecider, teamStream) : run(departmentDecider, departmentStream);
}

export interface GroupWritten {
  readonly id: string;
  readonly position: LogPosition | null;
}

export async function createGroup(deps: IdentityDependencies, actor: Actor, kind: GroupKind, input: { name: string; description?: string }, context: CommandContext): Promise<GroupWritten> {
  authorize(actor, `${kind}.create`);
  const id = randomUUID();
  const command: GroupCommand = { type: 'Create', groupId: id, tenantId: actor.tenantId, name: input.name, ...(input.description !== undefined ? { description: input.description } : {}), now: context.now };
  const result = await withKind(kind, (decider, stream) => handleCommand(deps.commands, decider, stream(id), command, context));
  return { id, position: result.position };
}

export async function updateGroup(
  deps: IdentityDependencies,
  actor: Actor,
  kind: GroupKind,
  id: string,
  input: { name?: string; description?: string },
  context: CommandContext,
  expectedVersion?: number,
): Promise<GroupWritten> {
  authorize(actor, `${kind}.read`);
  await requireTenantGroup(deps, actor, kind, id);
  authorize(actor, `${kind}.update`);
  const options = { mustExist: true, ...(expectedVersion !== undefined ? { expectedVersion } : {}) };
  const result = await withKind(kind, (decider, stream) => handleCommand(deps.commands, decider, stream(id), { type: 'Update', ...input, now: context.now }, context, options));
  return { id, position: result.position };
}

export async function changeMembership(deps: IdentityDependencies, actor: Actor, kind: GroupKind, id: string, userId: string, join: boolean, context: CommandContext): Promise<GroupWritten> {
  authorize(actor, `${kind}.read`);
  await requireTenantGroup(deps, actor, kind, id);
  authorize(actor, `${kind}.manageMembers`);
  const command: GroupCommand = join
    ? { type: 'AddMember', userId, memberIsActiveUser: await isActiveUser(deps.knex, actor.tenantId, userId), now: context.now }
    : { type: 'RemoveMember', userId, now: context.now };
  const result = await withKind(kind, (decider, stream) => handleCommand(deps.commands, decider, stream(id), command, context, { mustExist: true }));
  return { id, position: result.position };
}

/** Another tenant's group is answered as absent. */
async function requireTenantGroup(deps: IdentityDependencies, actor: Actor, kind: GroupKind, id: string): Promise<void> {
  const { state } = await withKind(kind, (decider, stream) => loadAggregate(deps.commands.store, decider, stream(id)));
  if (state.status === 'none' || state.tenantId !== actor.tenantId) throw new NotFoundError(`${kind} not found`);
}
