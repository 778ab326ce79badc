import { IllegalStateError, ValidationError } from '../errors.js';
import type { AbsorbConversation, MergeInto, MergeTarget, SplitOffComments, UndoMerge, WithdrawConversation } from './commands.js';
import { isOpen } from './lifecycle.js';
import { requireText } from './text.js';
import type { OpenTicketState, TicketEvent, TicketStatus } from './types.js';

const words = (status: TicketStatus): string => status.replace('_', ' ');

/**
 * Why `duplicate` may not be merged into `master`, as a 409 a person can act on (a 400 when there is
 * no such master). Checked before anything is copied, and again by each side's decider.
 */
export function refuseMerge(duplicate: OpenTicketState, master: MergeTarget): asserts master is NonNullable<MergeTarget> {
  if (master === null) throw new ValidationError('no such ticket to merge into', [{ path: '/masterId', message: 'no ticket with this id in this tenant' }]);
  if (master.id === duplicate.id) throw new IllegalStateError('a ticket cannot be merged into itself', { masterId: master.id });
  if (duplicate.mergedInto !== null) {
    throw new IllegalStateError(`${duplicate.number} is already merged into another ticket; undo that merge first`, { mergedInto: duplicate.mergedInto.masterId });
  }
  if (!isOpen(duplicate.status)) throw new IllegalStateError(`${duplicate.number} is ${words(duplicate.status)}; only an open ticket can be merged`, { currentStatus: duplicate.status });
  if (master.deleted) throw new IllegalStateError(`cannot merge into ${master.number}: it is deleted`, { masterId: master.id });
  if (master.mergedInto === duplicate.id) {
    throw new IllegalStateError(`cannot merge into ${master.number}: it was merged into ${duplicate.number}, so this merge would go in a circle; undo that merge instead`, { masterId: master.id, mergedInto: master.mergedInto });
  }
  if (master.mergedInto !== null) {
    throw new IllegalStateError(`cannot merge into ${master.number}: it is itself merged into another ticket; merge into that one`, { masterId: master.id, mergedInto: master.mergedInto });
  }
  if (!canAbsorb(master.status)) throw new IllegalStateError(`cannot merge into ${master.number}: it is ${words(master.status)}; merge into an open or resolved ticket`, { masterId: master.id, masterStatus: master.status });
}

/** A closed or cancelled ticket takes no more conversation: nobody works it, and a merge into it would be lost. */
const canAbsorb = (status: TicketStatus): boolean => status !== 'closed' && status !== 'cancelled';

export function mergeInto(command: MergeInto, state: OpenTicketState): TicketEvent[] {
  const { master } = command;
  refuseMerge(state, master);
  const at = command.now.toISOString();
  const masterId = master.id;
  return [
    { type: 'TicketLinked', data: { linkId: command.linkId, kind: 'duplicate_of', targetId: masterId, at } },
    { type: 'TicketMergedInto', data: { masterId, by: command.actorId, at } },
  ];
}

/** The master's half of a merge (or a split's new ticket): copies of the comments, and the watchers. */
export function absorb(command: AbsorbConversation, state: OpenTicketState): TicketEvent[] {
  if (command.fromTicketId === state.id) throw new IllegalStateError('a ticket cannot be merged into itself', { masterId: state.id });
  if (state.mergedInto !== null) throw new IllegalStateError(`cannot merge into ${state.number}: it is itself merged into another ticket; merge into that one`, { mergedInto: state.mergedInto.masterId });
  if (!canAbsorb(state.status)) throw new IllegalStateError(`cannot merge into ${state.number}: it is ${words(state.status)}; merge into an open or resolved ticket`, { masterStatus: state.status });
  const at = command.now.toISOString();
  const known = new Set(state.comments.map((existing) => existing.id));
  const comments: TicketEvent[] = command.comments
    .filter((carried) => !known.has(carried.commentId))
    .map((carried) => ({ type: 'TicketCommented', data: { commentId: carried.commentId, authorId: carried.authorId, body: carried.body, internal: carried.internal, at, carriedFrom: command.fromTicketId } }));
  const watchers: TicketEvent[] = [...new Set(command.watcherIds)]
    .filter((userId) => !state.watchers.includes(userId))
    .map((userId) => ({ type: 'TicketWatcherAdded', data: { userId, at, carriedFrom: command.fromTicketId } }));
  return [...comments, ...watchers];
}

/** The duplicate's half of an undo: live again in the status it had, no longer a duplicate_of its master. */
export function undoMerge(command: UndoMerge, state: OpenTicketState): TicketEvent[] {
  const merge = state.mergedInto;
  if (merge === null) throw new IllegalStateError(`${state.number} was not merged into another ticket; there is nothing to undo`, { currentStatus: state.status });
  const reason = requireText(command.reason, '/reason', 'a reason', 1000);
  const at = command.now.toISOString();
  const link = state.links.find((candidate) => candidate.kind === 'duplicate_of' && candidate.targetId === merge.masterId);
  return [
    ...(link ? [{ type: 'TicketUnlinked' as const, data: { linkId: link.id, at } }] : []),
    { type: 'TicketUnmerged', data: { masterId: merge.masterId, status: merge.statusBefore, reason, by: command.actorId, at } },
  ];
}

/**
 * The master's half of an undo: the comments copied from the duplicate leave its conversation and
 * the watchers the merge brought are removed. Nothing left to withdraw (a retry) records nothing.
 */
export function withdraw(command: WithdrawConversation, state: OpenTicketState): TicketEvent[] {
  const at = command.now.toISOString();
  const commentIds = state.comments.filter((comment) => comment.carriedFrom === command.fromTicketId).map((comment) => comment.id);
  const watchers: TicketEvent[] = state.carriedWatchers
    .filter((carried) => carried.fromTicketId === command.fromTicketId)
    .map((carried) => ({ type: 'TicketWatcherRemoved', data: { userId: carried.userId, at } }));
  return [...(commentIds.length > 0 ? [{ type: 'TicketConversationWithdrawn' as const, data: { fromTicketId: command.fromTicketId, commentIds, by: command.actorId, at } }] : []), ...watchers];
}

export function splitOff(command: SplitOffComments, state: OpenTicketState): TicketEvent[] {
  const ids = [...new Set(command.commentIds)];
  const unknown = ids.filter((id) => !state.comments.some((comment) => comment.id === id));
  if (ids.length === 0 || unknown.length > 0) throw new ValidationError('split off comments of this ticket', [{ path: '/commentIds', message: unknown.length > 0 ? `not comments of this ticket: ${unknown.join(', ')}` : 'at least one comment' }]);
  const at = command.now.toISOString();
  return [
    { type: 'TicketCommentsSplitOff', data: { commentIds: ids, newTicketId: command.newTicketId, by: command.actorId, at } },
    { type: 'TicketLinked', data: { linkId: command.linkId, kind: 'relates_to', targetId: command.newTicketId, at } },
  ];
}
