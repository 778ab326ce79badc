import { randomUUID } from 'node:crypto';
import { NotFoundError, ValidationError } from '../../domain/errors.js';
import type { CarriedComment, MergeTarget, OpenTicketState, UndoMerge } from '../../domain/ticket/index.js';
import { refuseMerge, ticketDecider } from '../../domain/ticket/index.js';
import type { CommandContext } from '../metadata.js';
import type { Actor } from '../identity/actor.js';
import { authorize } from '../identity/actor.js';
import { loadTicketFor } from './access.js';
import type { TicketDependencies } from './dependencies.js';
import type { TicketWritten } from './open.js';
import { openTicket } from './open.js';
import { onTicket } from './on-ticket.js';

/** Copies of comments for another ticket: new ids (a comment belongs to one ticket), same words, author and visibility. */
function carried(comments: OpenTicketState['comments']): CarriedComment[] {
  return comments.map((comment) => ({ commentId: randomUUID(), authorId: comment.authorId, body: comment.body, internal: comment.internal }));
}

/** The ticket to merge into as this tenant has it, deleted or not; null when it has none by that id. */
async function mergeTarget(deps: TicketDependencies, actor: Actor, masterId: string): Promise<MergeTarget> {
  try {
    const { ticket } = await loadTicketFor(deps.commands.store, actor, masterId, { includeDeleted: true });
    return { id: ticket.id, number: ticket.number, status: ticket.status, deleted: ticket.deleted, mergedInto: ticket.mergedInto?.masterId ?? null };
  } catch (error) {
    if (error instanceof NotFoundError) return null;
    throw error;
  }
}

/**
 * Merges a duplicate into its master: the master takes the duplicate's conversation and watchers
 * (as events of its own), then the duplicate is closed with a duplicate_of link. Everything that
 * would refuse the merge is checked before the master is touched, and the master is written first,
 * so a failure in between loses nothing.
 */
export async function mergeTickets(deps: TicketDependencies, actor: Actor, duplicateId: string, masterId: string, context: CommandContext): Promise<{ duplicate: TicketWritten; master: TicketWritten }> {
  authorize(actor, 'ticket.work');
  const { ticket: duplicate } = await loadTicketFor(deps.commands.store, actor, duplicateId);
  refuseMerge(duplicate, await mergeTarget(deps, actor, masterId));
  const master = await onTicket(deps, actor, masterId, context, () => ({
    type: 'AbsorbConversation',
    fromTicketId: duplicateId,
    comments: carried(duplicate.comments),
    watcherIds: [duplicate.requesterId, ...duplicate.watchers],
    now: context.now,
  }));
  const merged = await onTicket(deps, actor, duplicateId, context, async () => ({ type: 'MergeInto', master: await mergeTarget(deps, actor, masterId), linkId: randomUUID(), actorId: actor.userId, now: context.now }));
  return { duplicate: merged, master };
}

/**
 * Undoes a mistaken merge (managers): the master lets go of the copies and watchers the merge
 * brought, then the duplicate reopens in the status it had. The undo is checked before the master
 * is touched; the master goes first, and taking nothing back twice is a no-op, so a retry after a
 * failure in between completes it.
 */
export async function unmergeTicket(deps: TicketDependencies, actor: Actor, duplicateId: string, reason: string, context: CommandContext): Promise<{ duplicate: TicketWritten; master: TicketWritten }> {
  authorize(actor, 'ticket.unmerge');
  const { ticket: duplicate } = await loadTicketFor(deps.commands.store, actor, duplicateId);
  const undo: UndoMerge = { type: 'UndoMerge', reason, actorId: actor.userId, now: context.now };
  // The decider is pure: asking it now refuses a ticket that was never merged before its master is changed.
  ticketDecider.decide(undo, duplicate);
  const masterId = duplicate.mergedInto!.masterId; // set: the decider refused a ticket that was not merged
  const master = await onTicket(deps, actor, masterId, context, () => ({ type: 'WithdrawConversation', fromTicketId: duplicateId, actorId: actor.userId, now: context.now }), { includeDeleted: true });
  const reopened = await onTicket(deps, actor, duplicateId, context, () => undo);
  return { duplicate: reopened, master };
}

/**
 * Splits comments out into a new ticket for the same requester: the new ticket gets copies first,
 * then the original lets them go and links to it.
 */
export async function splitTicket(deps: TicketDependencies, actor: Actor, ticketId: string, input: { commentIds: string[]; title?: string | undefined }, context: CommandContext): Promise<{ original: TicketWritten; created: TicketWritten & { number: string } }> {
  authorize(actor, 'ticket.work');
  const { ticket: original } = await loadTicketFor(deps.commands.store, actor, ticketId);
  const chosen = original.comments.filter((comment) => input.commentIds.includes(comment.id));
  if (chosen.length === 0 || chosen.length !== new Set(input.commentIds).size) {
    throw new ValidationError('split off comments of this ticket', [{ path: '/commentIds', message: 'every id must be a comment of this ticket' }]);
  }
  const created = await openTicket(deps, actor, {
    type: original.type,
    title: input.title ?? `Split from ${original.number}: ${original.title}`.slice(0, 300),
    description: `Split from ${original.number}.`,
    impact: original.impact,
    urgency: original.urgency,
    requesterId: original.requesterId,
    ...(original.categoryId ? { categoryId: original.categoryId } : {}),
    ...(original.serviceId ? { serviceId: original.serviceId } : {}),
  }, context);
  await onTicket(deps, actor, created.ticketId, context, () => ({ type: 'AbsorbConversation', fromTicketId: ticketId, comments: carried(chosen), watcherIds: original.watchers.filter((id) => id !== original.requesterId), now: context.now }));
  const back = await onTicket(deps, actor, created.ticketId, context, () => ({ type: 'LinkTicket', linkId: randomUUID(), kind: 'relates_to', targetId: ticketId, targetExists: true, now: context.now }));
  const split = await onTicket(deps, actor, ticketId, context, () => ({ type: 'SplitOffComments', commentIds: chosen.map((comment) => comment.id), newTicketId: created.ticketId, linkId: randomUUID(), actorId: actor.userId, now: context.now }));
  return { original: split, created: { ...created, position: back.position ?? created.position } };
}
