import type { DomainEvent } from '../decider.js';
import { IllegalStateError, ValidationError } from '../errors.js';

export type TenantRegistered = DomainEvent<'TenantRegistered', { tenantId: string; slug: string; name: string; registeredAt: string }>;
export type TenantRenamed = DomainEvent<'TenantRenamed', { name: string; renamedAt: string }>;
export type TenantEvent = TenantRegistered | TenantRenamed;

export type RegisterTenant = { type: 'RegisterTenant'; tenantId: string; slug: string; name: string; now: Date };
export type RenameTenant = { type: 'RenameTenant'; name: string; now: Date };
export type TenantCommand = RegisterTenant | RenameTenant;

export type Tenant = { status: 'unregistered' } | { status: 'active'; id: string; slug: string; name: string };

export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;

export const tenantStream = (tenantId: string): string => `tenant-${tenantId}`;

export function initialState(): Tenant {
  return { status: 'unregistered' };
}

export function evolve(state: Tenant, event: TenantEvent): Tenant {
  switch (event.type) {
    case 'TenantRegistered':
      return { status: 'active', id: event.data.tenantId, slug: event.data.slug, name: event.data.name };
    case 'TenantRenamed':
      return state.status === 'active' ? { ...state, name: event.data.name } : state;
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

export function decide(command: TenantCommand, state: Tenant): TenantEvent[] {
  switch (command.type) {
    case 'RegisterTenant':
      return register(command, state);
    case 'RenameTenant':
      return rename(command, state);
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}

function register(command: RegisterTenant, state: Tenant): TenantEvent[] {
  if (state.status !== 'unregistered') throw new IllegalStateError('the tenant is already registered');
  if (!SLUG_PATTERN.test(command.slug)) {
    throw new ValidationError('invalid tenant slug', [{ path: '/slug', message: 'lowercase letters, digits and dashes, 1-40 characters' }]);
  }
  const name = requireName(command.name);
  return [{ type: 'TenantRegistered', data: { tenantId: command.tenantId, slug: command.slug, name, registeredAt: command.now.toISOString() } }];
}

function rename(command: RenameTenant, state: Tenant): TenantEvent[] {
  if (state.status !== 'active') throw new IllegalStateError('the tenant is not registered');
  const name = requireName(command.name);
  if (name === state.name) return [];
  return [{ type: 'TenantRenamed', data: { name, renamedAt: command.now.toISOString() } }];
}

function requireName(raw: string): string {
  const name = raw.trim();
  if (name.length === 0 || name.length > 200) throw new ValidationError('invalid tenant name', [{ path: '/name', message: 'between 1 and 200 characters' }]);
  return name;
}

export const tenantDecider = { initialState, evolve, decide };
