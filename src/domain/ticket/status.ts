import type { TicketEvent, TicketStatus } from './types.js';

/**
 * The one rule of what a ticket's status becomes after an event: the decider's fold and every read
 * model that shows a status (tickets, search, reporting) take it from here, so they cannot drift.
 * Assigning moves a new ticket to assigned and unassigning moves it back; work, pending, resolving,
 * closing (merging is closing) and cancelling set theirs; reopening and unmerging restore the one
 * they carry. Every other event leaves the status as it was.
 */
export function statusAfter(status: TicketStatus, event: TicketEvent): TicketStatus {
  switch (event.type) {
    case 'TicketOpened':
      return 'new';
    case 'TicketAssigned':
      if (event.data.assigneeId === null) return status === 'assigned' ? 'new' : status;
      return status === 'new' ? 'assigned' : status;
    case 'TicketWorkStarted':
    case 'TicketResumed':
      return 'in_progress';
    case 'TicketPended':
      return 'pending';
    case 'TicketResolved':
      return 'resolved';
    case 'TicketClosed':
    case 'TicketMergedInto':
      return 'closed';
    case 'TicketCancelled':
      return 'cancelled';
    case 'TicketReopened':
    case 'TicketUnmerged':
      return event.data.status;
    default:
      return status;
  }
}
