import type { DomainEvent } from '../decider.js';
import type { Group, GroupCommand, GroupFact } from './group.js';
import { decideGroup, evolveGroup, initialGroup } from './group.js';

export type TeamCreated = DomainEvent<'TeamCreated', { teamId: string; tenantId: string; name: string; description: string; at: string }>;
export type TeamUpdated = DomainEvent<'TeamUpdated', { name: string; description: string; at: string }>;
export type TeamMemberAdded = DomainEvent<'TeamMemberAdded', { userId: string; at: string }>;
export type TeamMemberRemoved = DomainEvent<'TeamMemberRemoved', { userId: string; at: string }>;
export type TeamEvent = TeamCreated | TeamUpdated | TeamMemberAdded | TeamMemberRemoved;

export const teamStream = (teamId: string): string => `team-${teamId}`;

export function teamFact(event: TeamEvent): GroupFact {
  switch (event.type) {
    case 'TeamCreated':
      return { kind: 'created', groupId: event.data.teamId, tenantId: event.data.tenantId, name: event.data.name, description: event.data.description, at: event.data.at };
    case 'TeamUpdated':
      return { kind: 'updated', ...event.data };
    case 'TeamMemberAdded':
      return { kind: 'memberAdded', ...event.data };
    case 'TeamMemberRemoved':
      return { kind: 'memberRemoved', ...event.data };
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

function teamEvent(fact: GroupFact): TeamEvent {
  switch (fact.kind) {
    case 'created':
      return { type: 'TeamCreated', data: { teamId: fact.groupId, tenantId: fact.tenantId, name: fact.name, description: fact.description, at: fact.at } };
    case 'updated':
      return { type: 'TeamUpdated', data: { name: fact.name, description: fact.description, at: fact.at } };
    case 'memberAdded':
      return { type: 'TeamMemberAdded', data: { userId: fact.userId, at: fact.at } };
    case 'memberRemoved':
      return { type: 'TeamMemberRemoved', data: { userId: fact.userId, at: fact.at } };
    default: {
      const _exhaustive: never = fact;
      return _exhaustive;
    }
  }
}

export const teamDecider = {
  initialState: initialGroup,
  evolve: (state: Group, event: TeamEvent): Group => evolveGroup(state, teamFact(event)),
  decide: (command: GroupCommand, state: Group): TeamEvent[] => decideGroup(command, state, 'team').map(teamEvent),
};
