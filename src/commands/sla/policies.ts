import { randomUUID } from 'node:crypto';
import type { Escalation, EscalationInput, EscalationStep, EscalationStepInput, PolicyScope, PolicyTargets, ScopeInput, SlaPolicyCommand } from '../../domain/sla/index.js';
import { slaPolicyDecider, slaPolicyStream } from '../../domain/sla/index.js';
import type { EventStore } from '../../eventstore/types.js';
import { handleCommand } from '../handle.js';
import type { Actor } from '../identity/actor.js';
import { authorize } from '../identity/actor.js';
import type { CommandContext } from '../metadata.js';
import { findActiveUser, findCalendar, findCategory, findService, findTeam, loadTenantPolicy } from './access.js';
import type { SlaWritten } from './calendars.js';
import type { SlaDependencies } from './dependencies.js';

/** A policy as the client writes it; on a revision each field given replaces the current one whole. */
export interface PolicyInput {
  readonly name?: string;
  readonly calendarId?: string;
  readonly scope?: PolicyScope;
  readonly targets?: PolicyTargets;
  readonly warningShare?: number;
  readonly escalation?: Escalation;
}

export async function definePolicy(
  deps: SlaDependencies,
  actor: Actor,
  input: PolicyInput & { name: string; calendarId: string; targets: PolicyTargets },
  context: CommandContext,
): Promise<SlaWritten> {
  authorize(actor, 'sla.manage');
  const id = randomUUID();
  const store = deps.commands.store;
  const command: SlaPolicyCommand = {
    type: 'DefinePolicy',
    policyId: id,
    tenantId: actor.tenantId,
    name: input.name,
    calendar: await findCalendar(store, actor.tenantId, input.calendarId),
    scope: await scopeFacts(store, actor.tenantId, input.scope ?? {}),
    targets: input.targets,
    ...(input.warningShare !== undefined ? { warningShare: input.warningShare } : {}),
    ...(input.escalation !== undefined ? { escalation: await escalationFacts(store, actor.tenantId, input.escalation) } : {}),
    now: context.now,
  };
  const result = await handleCommand(deps.commands, slaPolicyDecider, slaPolicyStream(id), command, context);
  return { id, position: result.position };
}

/** `basedOn` is the client's If-Match: the policy version it edited. */
export async function revisePolicy(deps: SlaDependencies, actor: Actor, id: string, input: PolicyInput, context: CommandContext, basedOn?: number): Promise<SlaWritten> {
  authorize(actor, 'sla.read');
  const store = deps.commands.store;
  await loadTenantPolicy(store, actor.tenantId, id);
  authorize(actor, 'sla.manage');
  const command: SlaPolicyCommand = {
    type: 'RevisePolicy',
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.calendarId !== undefined ? { calendar: await findCalendar(store, actor.tenantId, input.calendarId) } : {}),
    ...(input.scope !== undefined ? { scope: await scopeFacts(store, actor.tenantId, input.scope) } : {}),
    ...(input.targets !== undefined ? { targets: input.targets } : {}),
    ...(input.warningShare !== undefined ? { warningShare: input.warningShare } : {}),
    ...(input.escalation !== undefined ? { escalation: await escalationFacts(store, actor.tenantId, input.escalation) } : {}),
    ...(basedOn !== undefined ? { basedOn } : {}),
    now: context.now,
  };
  const result = await handleCommand(deps.commands, slaPolicyDecider, slaPolicyStream(id), command, context, { mustExist: true });
  return { id, position: result.position };
}

export async function retirePolicy(deps: SlaDependencies, actor: Actor, id: string, context: CommandContext, basedOn?: number): Promise<SlaWritten> {
  authorize(actor, 'sla.read');
  await loadTenantPolicy(deps.commands.store, actor.tenantId, id);
  authorize(actor, 'sla.manage');
  const command: SlaPolicyCommand = { type: 'RetirePolicy', ...(basedOn !== undefined ? { basedOn } : {}), now: context.now };
  const result = await handleCommand(deps.commands, slaPolicyDecider, slaPolicyStream(id), command, context, { mustExist: true });
  return { id, position: result.position };
}

async function scopeFacts(store: EventStore, tenantId: string, scope: PolicyScope): Promise<ScopeInput> {
  return {
    ...(scope.ticketType !== undefined ? { ticketType: scope.ticketType } : {}),
    ...(scope.categoryId !== undefined ? { category: await findCategory(store, tenantId, scope.categoryId) } : {}),
    ...(scope.serviceId !== undefined ? { service: await findService(store, tenantId, scope.serviceId) } : {}),
  };
}

async function escalationFacts(store: EventStore, tenantId: string, escalation: Escalation): Promise<EscalationInput> {
  const stepFacts = async (step: EscalationStep): Promise<EscalationStepInput> => ({
    ...(step.notifyUserIds !== undefined ? { notify: await Promise.all(step.notifyUserIds.map((userId) => findActiveUser(store, tenantId, userId))) } : {}),
    ...(step.reassignTeamId !== undefined ? { reassignTeam: await findTeam(store, tenantId, step.reassignTeamId) } : {}),
  });
  return {
    ...(escalation.onWarning !== undefined ? { onWarning: await stepFacts(escalation.onWarning) } : {}),
    ...(escalation.onBreach !== undefined ? { onBreach: await stepFacts(escalation.onBreach) } : {}),
  };
}
