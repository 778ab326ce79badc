import type { DomainEvent } from '../decider.js';
import { IllegalStateError, ValidationError } from '../errors.js';
import { requireDescription, requireName } from './fields.js';

/** How much it hurts when the service is down; tickets against it inherit the urgency. */
export const CRITICALITIES = ['low', 'medium', 'high'] as const;
export type Criticality = (typeof CRITICALITIES)[number];

export type ServiceCreated = DomainEvent<
  'ServiceCreated',
  { serviceId: string; tenantId: string; name: string; description: string; ownerTeamId: string | null; criticality: Criticality; at: string }
>;
export type ServiceUpdated = DomainEvent<'ServiceUpdated', { name: string; description: string; ownerTeamId: string | null; criticality: Criticality; at: string }>;
export type ServiceDeactivated = DomainEvent<'ServiceDeactivated', { at: string }>;
export type ServiceReactivated = DomainEvent<'ServiceReactivated', { at: string }>;
export type ServiceEvent = ServiceCreated | ServiceUpdated | ServiceDeactivated | ServiceReactivated;

/** The owning team as the caller found it: `found` only when it is a team of the same tenant. */
export interface OwnerTeam {
  readonly id: string;
  readonly found: boolean;
}

export type CreateService = { type: 'CreateService'; serviceId: string; tenantId: string; name: string; description?: string; ownerTeam: OwnerTeam | null; criticality: Criticality; now: Date };
/** `ownerTeam: null` takes the owner away; leaving it out keeps it. */
export type UpdateService = { type: 'UpdateService'; name?: string; description?: string; ownerTeam?: OwnerTeam | null; criticality?: Criticality; now: Date };
/** Tickets keep pointing at a service, so it is retired rather than deleted. */
export type DeactivateService = { type: 'DeactivateService'; now: Date };
export type ReactivateService = { type: 'ReactivateService'; now: Date };
export type ServiceCommand = CreateService | UpdateService | DeactivateService | ReactivateService;

export type Service =
  | { readonly status: 'none' }
  | {
      readonly status: 'active' | 'inactive';
      readonly id: string;
      readonly tenantId: string;
      readonly name: string;
      readonly description: string;
      readonly ownerTeamId: string | null;
      readonly criticality: Criticality;
    };
export type ExistingService = Exclude<Service, { status: 'none' }>;

export const serviceStream = (serviceId: string): string => `service-${serviceId}`;

export function initialState(): Service {
  return { status: 'none' };
}

export function evolve(state: Service, event: ServiceEvent): Service {
  if (event.type === 'ServiceCreated') {
    const d = event.data;
    return { status: 'active', id: d.serviceId, tenantId: d.tenantId, name: d.name, description: d.description, ownerTeamId: d.ownerTeamId, criticality: d.criticality };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'ServiceUpdated': {
      const { name, description, ownerTeamId, criticality } = event.data;
      return { ...state, name, description, ownerTeamId, criticality };
    }
    case 'ServiceDeactivated':
      return { ...state, status: 'inactive' };
    case 'ServiceReactivated':
      return { ...state, status: 'active' };
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

export function decide(command: ServiceCommand, state: Service): ServiceEvent[] {
  if (command.type === 'CreateService') return create(command, state);
  if (state.status === 'none') throw new IllegalStateError('the service does not exist');
  const at = command.now.toISOString();
  switch (command.type) {
    case 'UpdateService':
      return update(command, state);
    case 'DeactivateService':
      return state.status === 'inactive' ? [] : [{ type: 'ServiceDeactivated', data: { at } }];
    case 'ReactivateService':
      return state.status === 'active' ? [] : [{ type: 'ServiceReactivated', data: { at } }];
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}

function create(command: CreateService, state: Service): ServiceEvent[] {
  if (state.status !== 'none') throw new IllegalStateError('the service already exists');
  const data = {
    serviceId: command.serviceId,
    tenantId: command.tenantId,
    name: requireName(command.name),
    description: requireDescription(command.description ?? ''),
    ownerTeamId: requireOwnerTeam(command.ownerTeam),
    criticality: command.criticality,
    at: command.now.toISOString(),
  };
  return [{ type: 'ServiceCreated', data }];
}

function update(command: UpdateService, state: ExistingService): ServiceEvent[] {
  const name = command.name === undefined ? state.name : requireName(command.name);
  const description = command.description === undefined ? state.description : requireDescription(command.description);
  const ownerTeamId = command.ownerTeam === undefined ? state.ownerTeamId : requireOwnerChange(command.ownerTeam, state);
  const criticality = command.criticality ?? state.criticality;
  if (name === state.name && description === state.description && ownerTeamId === state.ownerTeamId && criticality === state.criticality) return [];
  return [{ type: 'ServiceUpdated', data: { name, description, ownerTeamId, criticality, at: command.now.toISOString() } }];
}

function requireOwnerChange(team: OwnerTeam | null, state: ExistingService): string | null {
  // Restating the current owner is not a change and needs no look-up to hold.
  if ((team?.id ?? null) === state.ownerTeamId) return state.ownerTeamId;
  return requireOwnerTeam(team);
}

function requireOwnerTeam(team: OwnerTeam | null): string | null {
  if (team === null) return null;
  if (!team.found) throw new ValidationError('invalid owner team', [{ path: '/ownerTeamId', message: 'no team with this id' }]);
  return team.id;
}

export const serviceDecider = { initialState, evolve, decide };
