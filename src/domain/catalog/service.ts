import type { JsonObject } from '../json.js';
import type { DomainEvent } from '../decider.js';
import { IllegalStateError, ValidationError } from '../errors.js';
import { requireDescription, requireName } from './fields.js';
import { requireRequestForm } from './request-form.js';

/** How much it hurts when the service is down; tickets against it inherit the urgency. */
export const CRITICALITIES = ['low', 'medium', 'high'] as const;
export type Criticality = (typeof CRITICALITIES)[number];

/**
 * `slaPolicyId` and `requestForm` came later: events written before them lack the fields, which
 * reads as neither (null).
 */
type ServiceTerms = { slaPolicyId?: string | null; requestForm?: JsonObject | null };
export type ServiceCreated = DomainEvent<
  'ServiceCreated',
  { serviceId: string; tenantId: string; name: string; description: string; ownerTeamId: string | null; criticality: Criticality; at: string } & ServiceTerms
>;
export type ServiceUpdated = DomainEvent<'ServiceUpdated', { name: string; description: string; ownerTeamId: string | null; criticality: Criticality; at: string } & ServiceTerms>;
export type ServiceDeactivated = DomainEvent<'ServiceDeactivated', { at: string }>;
export type ServiceReactivated = DomainEvent<'ServiceReactivated', { at: string }>;
export type ServiceEvent = ServiceCreated | ServiceUpdated | ServiceDeactivated | ServiceReactivated;

/** The owning team as the caller found it: `found` only when it is a team of the same tenant. */
export interface OwnerTeam {
  readonly id: string;
  readonly found: boolean;
}

/** The SLA policy as the caller found it: `found` only when it is a policy of the same tenant in force (not retired). */
export interface ServiceSlaPolicy {
  readonly id: string;
  readonly found: boolean;
}

/** `requestForm`: a JSON Schema, checked here (see request-form.ts). */
export type CreateService = {
  type: 'CreateService';
  serviceId: string;
  tenantId: string;
  name: string;
  description?: string;
  ownerTeam: OwnerTeam | null;
  criticality: Criticality;
  slaPolicy?: ServiceSlaPolicy | null;
  requestForm?: JsonObject | null;
  now: Date;
};
/** `null` takes the owner, the SLA policy or the form away; leaving a field out keeps it. */
export type UpdateService = {
  type: 'UpdateService';
  name?: string;
  description?: string;
  ownerTeam?: OwnerTeam | null;
  criticality?: Criticality;
  slaPolicy?: ServiceSlaPolicy | null;
  requestForm?: JsonObject | null;
  now: Date;
};
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
      /** When set, tickets naming the service run under this policy, whatever the scope rules would pick. */
      readonly slaPolicyId: string | null;
      /** What a service request for it asks; its answers are checked against it. */
      readonly requestForm: JsonObject | null;
    };
export type ExistingService = Exclude<Service, { status: 'none' }>;

export const serviceStream = (serviceId: string): string => `service-${serviceId}`;

export function initialState(): Service {
  return { status: 'none' };
}

export function evolve(state: Service, event: ServiceEvent): Service {
  if (event.type === 'ServiceCreated') {
    const d = event.data;
    return {
      status: 'active',
      id: d.serviceId,
      tenantId: d.tenantId,
      name: d.name,
      description: d.description,
      ownerTeamId: d.ownerTeamId,
      criticality: d.criticality,
      slaPolicyId: d.slaPolicyId ?? null,
      requestForm: d.requestForm ?? null,
    };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'ServiceUpdated': {
      const { name, description, ownerTeamId, criticality } = event.data;
      return { ...state, name, description, ownerTeamId, criticality, slaPolicyId: event.data.slaPolicyId ?? null, requestForm: event.data.requestForm ?? null };
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
    slaPolicyId: requireSlaPolicy(command.slaPolicy ?? null),
    requestForm: command.requestForm ? requireRequestForm(command.requestForm) : null,
    at: command.now.toISOString(),
  };
  return [{ type: 'ServiceCreated', data }];
}

function update(command: UpdateService, state: ExistingService): ServiceEvent[] {
  const name = command.name === undefined ? state.name : requireName(command.name);
  const description = command.description === undefined ? state.description : requireDescription(command.description);
  const ownerTeamId = command.ownerTeam === undefined ? state.ownerTeamId : requireOwnerChange(command.ownerTeam, state);
  const criticality = command.criticality ?? state.criticality;
  const slaPolicyId = command.slaPolicy === undefined ? state.slaPolicyId : requireSlaPolicyChange(command.slaPolicy, state);
  const requestForm = command.requestForm === undefined ? state.requestForm : command.requestForm === null ? null : requireRequestForm(command.requestForm);
  const unchanged =
    name === state.name &&
    description === state.description &&
    ownerTeamId === state.ownerTeamId &&
    criticality === state.criticality &&
    slaPolicyId === state.slaPolicyId &&
    JSON.stringify(requestForm) === JSON.stringify(state.requestForm);
  if (unchanged) return [];
  return [{ type: 'ServiceUpdated', data: { name, description, ownerTeamId, criticality, slaPolicyId, requestForm, at: command.now.toISOString() } }];
}

function requireSlaPolicyChange(policy: ServiceSlaPolicy | null, state: ExistingService): string | null {
  // Keeping the current policy needs no look-up, even if it was retired since.
  if ((policy?.id ?? null) === state.slaPolicyId) return state.slaPolicyId;
  return requireSlaPolicy(policy);
}

function requireSlaPolicy(policy: ServiceSlaPolicy | null): string | null {
  if (policy === null) return null;
  if (!policy.found) throw new ValidationError('invalid SLA policy', [{ path: '/slaPolicyId', message: 'no SLA policy in force with this id' }]);
  return policy.id;
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
