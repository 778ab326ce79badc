import { IllegalStateError, ValidationError } from '../errors.js';

/**
 * Teams and departments are both named groups of a tenant's people with a membership list. This
 * is their shared rule book; team.ts and department.ts give the facts their own event names.
 */
export type GroupFact =
  | { readonly kind: 'created'; readonly groupId: string; readonly tenantId: string; readonly name: string; readonly description: string; readonly at: string }
  | { readonly kind: 'updated'; readonly name: string; readonly description: string; readonly at: string }
  | { readonly kind: 'memberAdded'; readonly userId: string; readonly at: string }
  | { readonly kind: 'memberRemoved'; readonly userId: string; readonly at: string };

export type GroupCommand =
  | { readonly type: 'Create'; readonly groupId: string; readonly tenantId: string; readonly name: string; readonly description?: string; readonly now: Date }
  | { readonly type: 'Update'; readonly name?: string; readonly description?: string; readonly now: Date }
  /** `memberIsActiveUser`: looked up by the caller in the tenant's users. */
  | { readonly type: 'AddMember'; readonly userId: string; readonly memberIsActiveUser: boolean; readonly now: Date }
  | { readonly type: 'RemoveMember'; readonly userId: string; readonly now: Date };

export type Group =
  | { readonly status: 'none' }
  | { readonly status: 'active'; readonly id: string; readonly tenantId: string; readonly name: string; readonly description: string; readonly members: readonly string[] };

export const initialGroup = (): Group => ({ status: 'none' });

export function evolveGroup(state: Group, fact: GroupFact): Group {
  switch (fact.kind) {
    case 'created':
      return { status: 'active', id: fact.groupId, tenantId: fact.tenantId, name: fact.name, description: fact.description, members: [] };
    case 'updated':
      return state.status === 'active' ? { ...state, name: fact.name, description: fact.description } : state;
    case 'memberAdded':
      return state.status === 'active' ? { ...state, members: [...state.members, fact.userId] } : state;
    case 'memberRemoved':
      return state.status === 'active' ? { ...state, members: state.members.filter((member) => member !== fact.userId) } : state;
    default: {
      const _exhaustive: never = fact;
      return _exhaustive;
    }
  }
}

export function decideGroup(command: GroupCommand, state: Group, noun: string): GroupFact[] {
  const at = command.now.toISOString();
  if (command.type === 'Create') {
    if (state.status !== 'none') throw new IllegalStateError(`the ${noun} already exists`);
    return [{ kind: 'created', groupId: command.groupId, tenantId: command.tenantId, name: requireName(command.name), description: requireDescription(command.description ?? ''), at }];
  }
  if (state.status === 'none') throw new IllegalStateError(`the ${noun} does not exist`);
  switch (command.type) {
    case 'Update': {
      const name = command.name === undefined ? state.name : requireName(command.name);
      const description = command.description === undefined ? state.description : requireDescription(command.description);
      return name === state.name && description === state.description ? [] : [{ kind: 'updated', name, description, at }];
    }
    case 'AddMember':
      if (state.members.includes(command.userId)) return [];
      if (!command.memberIsActiveUser) throw new ValidationError(`only active users of the tenant can join a ${noun}`, [{ path: '/userId', message: 'no active user with this id' }]);
      return [{ kind: 'memberAdded', userId: command.userId, at }];
    case 'RemoveMember':
      return state.members.includes(command.userId) ? [{ kind: 'memberRemoved', userId: command.userId, at }] : [];
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}

function requireName(raw: string): string {
  const name = raw.trim();
  if (name.length === 0 || name.length > 120) throw new ValidationError('invalid name', [{ path: '/name', message: 'between 1 and 120 characters' }]);
  return name;
}

function requireDescription(raw: string): string {
  const description = raw.trim();
  if (description.length > 2000) throw new ValidationError('invalid description', [{ path: '/description', message: 'at most 2000 characters' }]);
  return description;
}
