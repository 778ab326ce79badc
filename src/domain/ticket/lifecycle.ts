import { IllegalStateError } from '../errors.js';
import type { TicketStatus } from './types.js';

export type TicketAction = 'assign' | 'start' | 'pend' | 'resume' | 'resolve' | 'close' | 'reopen' | 'cancel';

/** Which lifecycle actions each status allows, and where each leads. */
const TRANSITIONS: Readonly<Record<TicketStatus, Readonly<Partial<Record<TicketAction, TicketStatus>>>>> = {
  new: { assign: 'assigned', start: 'in_progress', cancel: 'cancelled' },
  // A quick fix needs no "start": the assignee may resolve straight away.
  assigned: { assign: 'assigned', start: 'in_progress', resolve: 'resolved', cancel: 'cancelled' },
  in_progress: { assign: 'in_progress', pend: 'pending', resolve: 'resolved', cancel: 'cancelled' },
  pending: { assign: 'pending', resume: 'in_progress', resolve: 'resolved', cancel: 'cancelled' },
  resolved: { close: 'closed', reopen: 'in_progress' },
  closed: {},
  cancelled: {},
};

export function allowedTransitions(status: TicketStatus): Array<{ action: TicketAction; to: TicketStatus }> {
  return Object.entries(TRANSITIONS[status]).map(([action, to]) => ({ action: action as TicketAction, to }));
}

/** The status the action leads to, or a 409 naming what is allowed from here. */
export function transition(status: TicketStatus, action: TicketAction): TicketStatus {
  const to = TRANSITIONS[status][action];
  if (to === undefined) {
    throw new IllegalStateError(`cannot ${action} a ticket that is ${status.replace('_', ' ')}`, { currentStatus: status, allowedTransitions: allowedTransitions(status) });
  }
  return to;
}

export const isOpen = (status: TicketStatus): boolean => status !== 'resolved' && status !== 'closed' && status !== 'cancelled';
