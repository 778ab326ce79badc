import { randomUUID } from 'node:crypto';
import { ForbiddenError, ValidationError } from '../../domain/errors.js';
import type { LinkKind, OpenTicketState, Priority, TicketCommand, TicketDetails } from '../../domain/ticket/index.js';
import { can, refusal } from '../../domain/permissions.js';
import type { CommandContext } from '../metadata.js';
import type { Actor } from '../identity/actor.js';
import { authorize } from '../identity/actor.js';
import { onTicket } from './on-ticket.js';
import type { TicketDependencies } from './dependencies.js';
import { isTeamMember, teamExists } from '../../projections/groups/queries.js';
import { areApprovers, isActiveUser, isAssignableAgent } from '../../projections/users/queries.js';
import type { TicketWritten } from './open.js';
import { checkCatalogReferences } from './catalog-references.js';
import { reapplySla } from './sla.js';
import { linkableTicketId } from '../../projections/tickets/queries.js';

const isOwnTicket = (actor: Actor, ticket: OpenTicketState): boolean => ticket.requesterId === actor.userId;

/** The tickets an agent works on: assigned to them, or to a team they belong to. */
async function worksOn(deps: TicketDependencies, actor: Actor, ticket: OpenTicketState): Promise<boolean> {
  return ticket.assigneeId === actor.userId || (ticket.teamId !== null && (await isTeamMember(deps.knex, ticket.teamId, actor.userId)));
}

/** What a ticket's SLA is chosen and targeted by, of the fields an edit may change (priority comes from impact and urgency). */
const SLA_FIELDS: ReadonlySet<string> = new Set(['impact', 'urgency', 'categoryId', 'serviceId']);

/**
 * Agents edit any field; a requester may reword their own ticket while nobody has picked it up.
 * An edit that moves the SLA's scope or priority re-applies it in the same append; one of other
 * fields leaves the SLA as recorded.
 */
export function updateTicket(deps: TicketDependencies, actor: Actor, ticketId: string, changes: TicketDetails, context: CommandContext, expectedVersion?: number) {
  const movesSla = Object.keys(changes).some((field) => SLA_FIELDS.has(field));
  return onTicket(deps, actor, ticketId, context, async (ticket) => {
    if (!can(actor.role, 'ticket.work')) {
      const onlyWording = Object.keys(changes).every((key) => key === 'title' || key === 'description');
      if (!isOwnTicket(actor, ticket) || !onlyWording || ticket.status !== 'new') throw new ForbiddenError('a requester may only reword their own new ticket');
    }
    await checkCatalogReferences(deps, actor, changes);
    return { type: 'UpdateTicket', changes, now: context.now };
  }, { expectedVersion, ...(movesSla ? { followUp: reapplySla(deps, actor.tenantId, context) } : {}) });
}

export function overridePriority(deps: TicketDependencies, actor: Actor, ticketId: string, input: { priority: Priority; reason: string }, context: CommandContext, expectedVersion?: number) {
  authorize(actor, 'ticket.overridePriority');
  return onTicket(deps, actor, ticketId, context, () => ({ type: 'OverridePriority', ...input, now: context.now }), { expectedVersion, followUp: reapplySla(deps, actor.tenantId, context) });
}

/**
 * Managers assign anyone. A technician may take a ticket themselves, and may hand over a ticket
 * they work on (assigned to them, or to one of their teams) to a team or an agent of that team.
 */
export function assignTicket(deps: TicketDependencies, actor: Actor, ticketId: string, input: { assigneeId: string | null; teamId?: string | null | undefined }, context: CommandContext, expectedVersion?: number) {
  const takesIt = input.assigneeId === actor.userId && can(actor.role, 'ticket.assignSelf');
  const mayAssignAny = can(actor.role, 'ticket.assign');
  if (!takesIt && !mayAssignAny) authorize(actor, 'ticket.handOver');
  return onTicket(deps, actor, ticketId, context, async (ticket) => {
    if (!takesIt && !mayAssignAny && !(await worksOn(deps, actor, ticket))) {
      throw new ForbiddenError('a technician may only hand over a ticket assigned to them or to one of their teams');
    }
    const teamId = input.teamId === undefined ? ticket.teamId : input.teamId;
    if (teamId !== null && teamId !== ticket.teamId && !(await teamExists(deps.knex, actor.tenantId, teamId))) {
      throw new ValidationError('no such team', [{ path: '/teamId', message: 'not a team of this tenant' }]);
    }
    const assigneeEligible = input.assigneeId === null ? true : await isAssignableAgent(deps.knex, actor.tenantId, input.assigneeId);
    const assigneeInTeam = input.assigneeId === null || teamId === null ? true : await isTeamMember(deps.knex, teamId, input.assigneeId);
    return { type: 'AssignTicket', assigneeId: input.assigneeId, teamId, assigneeEligible, assigneeInTeam, now: context.now };
  }, { expectedVersion });
}

export type LifecycleStep =
  | { readonly action: 'start' }
  | { readonly action: 'pend'; readonly reason: string }
  | { readonly action: 'resume' }
  | { readonly action: 'resolve'; readonly code: string; readonly notes: string }
  | { readonly action: 'close' }
  | { readonly action: 'reopen'; readonly reason: string }
  | { readonly action: 'cancel'; readonly reason: string };

/** Agents drive the lifecycle; a requester may close (accept), reopen or cancel their own ticket. */
export function moveTicket(deps: TicketDependencies, actor: Actor, ticketId: string, step: LifecycleStep, context: CommandContext, expectedVersion?: number) {
  return onTicket(deps, actor, ticketId, context, (ticket): TicketCommand => {
    const requesterMay = step.action === 'close' || step.action === 'reopen' || step.action === 'cancel';
    if (!can(actor.role, 'ticket.work') && !(requesterMay && isOwnTicket(actor, ticket))) throw new ForbiddenError(refusal(actor.role, 'ticket.work'));
    const now = context.now;
    switch (step.action) {
      case 'start':
        return { type: 'StartWork', actorId: actor.userId, now };
      case 'pend':
        return { type: 'PendTicket', reason: step.reason, now };
      case 'resume':
        return { type: 'ResumeTicket', now };
      case 'resolve':
        return { type: 'ResolveTicket', code: step.code, notes: step.notes, actorId: actor.userId, now };
      case 'close':
        return { type: 'CloseTicket', actorId: actor.userId, now };
      case 'reopen':
        return { type: 'ReopenTicket', reason: step.reason, actorId: actor.userId, reopenWindowMs: deps.policy.reopenWindowMs, now };
      case 'cancel':
        return { type: 'CancelTicket', reason: step.reason, actorId: actor.userId, now };
      default: {
        const _exhaustive: never = step;
        return _exhaustive;
      }
    }
  }, { expectedVersion });
}

/** Everyone who sees the ticket may comment publicly; internal notes are for agents. */
export async function commentOnTicket(deps: TicketDependencies, actor: Actor, ticketId: string, input: { body: string; internal: boolean }, context: CommandContext): Promise<TicketWritten & { commentId: string }> {
  if (input.internal) authorize(actor, 'ticket.commentInternal');
  const commentId = randomUUID();
  const written = await onTicket(deps, actor, ticketId, context, () => ({ type: 'AddComment', commentId, authorId: actor.userId, body: input.body, internal: input.internal, now: context.now }));
  return { ...written, commentId };
}

export function editComment(deps: TicketDependencies, actor: Actor, ticketId: string, commentId: string, body: string, context: CommandContext) {
  return onTicket(deps, actor, ticketId, context, () => ({ type: 'EditComment', commentId, editorId: actor.userId, body, editWindowMs: deps.policy.commentEditWindowMs, now: context.now }));
}

/** Watchers are active people of the ticket's tenant; anyone may be taken off (a deactivated watcher too). */
export function watchTicket(deps: TicketDependencies, actor: Actor, ticketId: string, userId: string, watch: boolean, context: CommandContext) {
  if (userId !== actor.userId) authorize(actor, 'ticket.work');
  return onTicket(deps, actor, ticketId, context, async () => {
    if (!watch) return { type: 'RemoveWatcher', userId, now: context.now };
    if (!(await isActiveUser(deps.knex, actor.tenantId, userId))) {
      throw new ValidationError('only active users of the tenant can watch a ticket', [{ path: '/userId', message: 'no active user with this id in this tenant' }]);
    }
    return { type: 'AddWatcher', userId, now: context.now };
  });
}

export function requestApproval(deps: TicketDependencies, actor: Actor, ticketId: string, approverIds: string[], context: CommandContext) {
  authorize(actor, 'ticket.requestApproval');
  return onTicket(deps, actor, ticketId, context, async () => ({
    type: 'RequestApproval',
    approverIds,
    approversEligible: await areApprovers(deps.knex, actor.tenantId, approverIds),
    actorId: actor.userId,
    now: context.now,
  }));
}

/** Only a named approver decides; the decider checks the name. */
export function decideApproval(deps: TicketDependencies, actor: Actor, ticketId: string, decision: 'approved' | 'rejected', comment: string, context: CommandContext) {
  return onTicket(deps, actor, ticketId, context, () => ({ type: 'DecideApproval', approverId: actor.userId, decision, comment, now: context.now }));
}

/** `targetId` names the other ticket by UUID or by number (INC-000123), as the routes' `:id` does. */
export async function linkTicket(deps: TicketDependencies, actor: Actor, ticketId: string, input: { targetId: string; kind: LinkKind }, context: CommandContext): Promise<TicketWritten & { linkId: string }> {
  authorize(actor, 'ticket.work');
  const linkId = randomUUID();
  const written = await onTicket(deps, actor, ticketId, context, async () => {
    const targetId = await linkableTicketId(deps.knex, actor.tenantId, input.targetId);
    // An unknown reference goes to the decider as given, which refuses it as no such ticket.
    return { type: 'LinkTicket', linkId, kind: input.kind, targetId: targetId ?? input.targetId, targetExists: targetId !== null, now: context.now };
  });
  return { ...written, linkId };
}

export function unlinkTicket(deps: TicketDependencies, actor: Actor, ticketId: string, linkId: string, context: CommandContext) {
  authorize(actor, 'ticket.work');
  return onTicket(deps, actor, ticketId, context, () => ({ type: 'UnlinkTicket', linkId, now: context.now }));
}

/** Soft delete: a TicketDeleted event; the history stays. Restore is another event. */
export function deleteTicket(deps: TicketDependencies, actor: Actor, ticketId: string, context: CommandContext, expectedVersion?: number) {
  authorize(actor, 'ticket.delete');
  return onTicket(deps, actor, ticketId, context, () => ({ type: 'DeleteTicket', actorId: actor.userId, now: context.now }), { expectedVersion });
}

export function restoreTicket(deps: TicketDependencies, actor: Actor, ticketId: string, context: CommandContext) {
  authorize(actor, 'ticket.delete');
  return onTicket(deps, actor, ticketId, context, () => ({ type: 'RestoreTicket', actorId: actor.userId, now: context.now }), { includeDeleted: true });
}
