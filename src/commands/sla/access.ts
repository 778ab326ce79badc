import { categoryDecider, categoryStream, serviceDecider, serviceStream } from '../../domain/catalog/index.js';
import { NotFoundError } from '../../domain/errors.js';
import { teamDecider, teamStream, userDecider, userStream } from '../../domain/identity/index.js';
import type { CalendarFound, ExistingBusinessCalendar, ExistingSlaPolicy, Found } from '../../domain/sla/index.js';
import { businessCalendarDecider, businessCalendarStream, slaPolicyDecider, slaPolicyStream } from '../../domain/sla/index.js';
import type { EventStore } from '../../eventstore/types.js';
import { loadAggregate } from '../handle.js';

/**
 * Look-ups the SLA commands hand to the deciders. Each reads the log rather than a read model, so
 * something created a moment ago is found; another tenant's id is answered as absent.
 */

export async function loadTenantCalendar(store: EventStore, tenantId: string, id: string): Promise<ExistingBusinessCalendar> {
  const { state } = await loadAggregate(store, businessCalendarDecider, businessCalendarStream(id));
  if (state.status === 'none' || state.tenantId !== tenantId) throw new NotFoundError('business calendar not found');
  return state;
}

export async function loadTenantPolicy(store: EventStore, tenantId: string, id: string): Promise<ExistingSlaPolicy> {
  const { state } = await loadAggregate(store, slaPolicyDecider, slaPolicyStream(id));
  if (state.status === 'none' || state.tenantId !== tenantId) throw new NotFoundError('SLA policy not found');
  return state;
}

export async function findCalendar(store: EventStore, tenantId: string, id: string): Promise<CalendarFound> {
  const { state } = await loadAggregate(store, businessCalendarDecider, businessCalendarStream(id));
  return { id, status: state.status === 'none' || state.tenantId !== tenantId ? 'none' : state.status };
}

export async function findCategory(store: EventStore, tenantId: string, id: string): Promise<Found> {
  const { state } = await loadAggregate(store, categoryDecider, categoryStream(id));
  return { id, found: state.status !== 'none' && state.tenantId === tenantId };
}

export async function findService(store: EventStore, tenantId: string, id: string): Promise<Found> {
  const { state } = await loadAggregate(store, serviceDecider, serviceStream(id));
  return { id, found: state.status !== 'none' && state.tenantId === tenantId };
}

export async function findTeam(store: EventStore, tenantId: string, id: string): Promise<Found> {
  const { state } = await loadAggregate(store, teamDecider, teamStream(id));
  return { id, found: state.status !== 'none' && state.tenantId === tenantId };
}

/** Escalations notify people who can act: a deactivated user counts as not found. */
export async function findActiveUser(store: EventStore, tenantId: string, id: string): Promise<Found> {
  const { state } = await loadAggregate(store, userDecider, userStream(id));
  return { id, found: state.status === 'active' && state.tenantId === tenantId };
}

