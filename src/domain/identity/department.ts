import type { DomainEvent } from '../decider.js';
import type { Group, GroupCommand, GroupFact } from './group.js';
import { decideGroup, evolveGroup, initialGroup } from './group.js';

export type DepartmentCreated = DomainEvent<'DepartmentCreated', { departmentId: string; tenantId: string; name: string; description: string; at: string }>;
export type DepartmentUpdated = DomainEvent<'DepartmentUpdated', { name: string; description: string; at: string }>;
export type DepartmentMemberAdded = DomainEvent<'DepartmentMemberAdded', { userId: string; at: string }>;
export type DepartmentMemberRemoved = DomainEvent<'DepartmentMemberRemoved', { userId: string; at: string }>;
export type DepartmentEvent = DepartmentCreated | DepartmentUpdated | DepartmentMemberAdded | DepartmentMemberRemoved;

export const departmentStream = (departmentId: string): string => `department-${departmentId}`;

export function departmentFact(event: DepartmentEvent): GroupFact {
  switch (event.type) {
    case 'DepartmentCreated':
      return { kind: 'created', groupId: event.data.departmentId, tenantId: event.data.tenantId, name: event.data.name, description: event.data.description, at: event.data.at };
    case 'DepartmentUpdated':
      return { kind: 'updated', ...event.data };
    case 'DepartmentMemberAdded':
      return { kind: 'memberAdded', ...event.data };
    case 'DepartmentMemberRemoved':
      return { kind: 'memberRemoved', ...event.data };
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

function departmentEvent(fact: GroupFact): DepartmentEvent {
  switch (fact.kind) {
    case 'created':
      return { type: 'DepartmentCreated', data: { departmentId: fact.groupId, tenantId: fact.tenantId, name: fact.name, description: fact.description, at: fact.at } };
    case 'updated':
      return { type: 'DepartmentUpdated', data: { name: fact.name, description: fact.description, at: fact.at } };
    case 'memberAdded':
      return { type: 'DepartmentMemberAdded', data: { userId: fact.userId, at: fact.at } };
    case 'memberRemoved':
      return { type: 'DepartmentMemberRemoved', data: { userId: fact.userId, at: fact.at } };
    default: {
      const _exhaustive: never = fact;
      return _exhaustive;
    }
  }
}

export const departmentDecider = {
  initialState: initialGroup,
  evolve: (state: Group, event: DepartmentEvent): Group => evolveGroup(state, departmentFact(event)),
  decide: (command: GroupCommand, state: Group): DepartmentEvent[] => decideGroup(command, state, 'department').map(departmentEvent),
};
