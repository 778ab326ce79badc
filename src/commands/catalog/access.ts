import type { ExistingCategory, ExistingService, OwnerTeam, ParentCategory, ServiceSlaPolicy } from '../../domain/catalog/index.js';
import { categoryDecider, categoryStream, serviceDecider, serviceStream } from '../../domain/catalog/index.js';
import { NotFoundError } from '../../domain/errors.js';
import { teamDecider, teamStream } from '../../domain/identity/index.js';
import { can } from '../../domain/permissions.js';
import { slaPolicyDecider, slaPolicyStream } from '../../domain/sla/index.js';
import type { EventStore } from '../../eventstore/types.js';
import { loadAggregate } from '../handle.js';
import type { Actor } from '../identity/actor.js';

/**
 * Whoever sees every ticket sees retired entries too (a ticket may point at one); requesters only
 * pick from what is offered, so for them a retired entry does not exist.
 */
export function seesInactive(actor: Actor): boolean {
  return can(actor.role, 'ticket.readAll');
}

/** Another tenant's category, or a retired one the caller may not see, is answered as absent. */
export async function loadVisibleCategory(store: EventStore, actor: Actor, id: string): Promise<ExistingCategory> {
  const { state } = await loadAggregate(store, categoryDecider, categoryStream(id));
  if (state.status === 'none' || state.tenantId !== actor.tenantId || (state.status === 'inactive' && !seesInactive(actor))) throw new NotFoundError('category not found');
  return state;
}

export async function loadVisibleService(store: EventStore, actor: Actor, id: string): Promise<ExistingService> {
  const { state } = await loadAggregate(store, serviceDecider, serviceStream(id));
  if (state.status === 'none' || state.tenantId !== actor.tenantId || (state.status === 'inactive' && !seesInactive(actor))) throw new NotFoundError('service not found');
  return state;
}

/** Read from the log, not a read model, so a category created a moment ago is found. */
export async function findParentCategory(store: EventStore, tenantId: string, id: string): Promise<ParentCategory> {
  const { state } = await loadAggregate(store, categoryDecider, categoryStream(id));
  if (state.status === 'none' || state.tenantId !== tenantId) return { id, found: false };
  return { id, found: true, parentId: state.parentId, active: state.status === 'active' };
}

export async function findOwnerTeam(store: EventStore, tenantId: string, id: string): Promise<OwnerTeam> {
  const { state } = await loadAggregate(store, teamDecider, teamStream(id));
  return { id, found: state.status !== 'none' && state.tenantId === tenantId };
}

/** Read from the log: a policy created a moment ago is found, and one retired a moment ago is not. */
export async function findSlaPolicy(store: EventStore, tenantId: string, id: string): Promise<ServiceSlaPolicy> {
  const { state } = await loadAggregate(store, slaPolicyDecider, slaPolicyStream(id));
  return { id, found: state.status === 'active' && state.tenantId === tenantId };
}

