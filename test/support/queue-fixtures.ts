import type { Role } from '../../src/domain/permissions.js';
import type { JsonResponse } from './api.js';
import { call } from './api.js';
import type { Account } from './identity-fixtures.js';
import { addMember, bearer, createGroup, createUser, expectStatus, uniqueSuffix } from './identity-fixtures.js';

/** Queues, teams of agents and routed tickets set up over the real HTTP API. */

export interface QueueRules {
  readonly ticketTypes: string[];
  readonly categoryIds: string[];
  readonly serviceIds: string[];
}

export interface QueueEntry {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly teamId: string;
  readonly rules: QueueRules;
  readonly position: number;
  readonly strategy: string;
  readonly active: boolean;
  readonly lastAssignment: { readonly assigneeId: string; readonly ticketId: string; readonly at: string } | null;
  readonly version: number;
}

export interface RoutedTicket {
  readonly id: string;
  readonly number: string;
  readonly teamId: string | null;
  readonly assigneeId: string | null;
  readonly status: string;
}

/** A valid creation body for a queue routing to `teamId`; `extra` adds or overrides fields. */
export function queueBody(teamId: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: `Queue ${uniqueSuffix()}`, description: 'made by a test', teamId, ...extra };
}

export async function createQueue(baseUrl: string, token: string, teamId: string, extra: Record<string, unknown> = {}): Promise<QueueEntry> {
  return expectStatus(await call<QueueEntry>(baseUrl, '/api/v1/queues', { method: 'POST', json: queueBody(teamId, extra), headers: bearer(token) }), 201, 'creating a queue').body;
}

/** A fresh team with `roles.length` new members of those roles, for a queue to route to. */
export async function createStaffedTeam(baseUrl: string, adminToken: string, roles: readonly Role[]): Promise<{ teamId: string; members: Account[] }> {
  const teamId = await createGroup(baseUrl, adminToken, 'teams');
  const members = await Promise.all(roles.map((role) => createUser(baseUrl, adminToken, role, `agent-${role}`)));
  for (const member of members) await addMember(baseUrl, adminToken, 'teams', teamId, member.id);
  return { teamId, members };
}

/** A ticket opened without a team, so queues route it. */
export function openTicket(baseUrl: string, token: string, fields: Record<string, unknown> = {}): Promise<JsonResponse<RoutedTicket>> {
  return call<RoutedTicket>(baseUrl, '/api/v1/tickets', { method: 'POST', json: { type: 'incident', title: `Routed ${uniqueSuffix()}`, impact: 'medium', urgency: 'medium', ...fields }, headers: bearer(token) });
}

export async function openRoutedTicket(baseUrl: string, token: string, fields: Record<string, unknown> = {}): Promise<RoutedTicket> {
  return expectStatus(await openTicket(baseUrl, token, fields), 201, 'opening a ticket').body;
}
