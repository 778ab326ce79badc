import { ticketDecider } from '../../src/domain/ticket/index.js';
import type { LinkKind, OpenTicket, OpenTicketState, TicketEvent, TicketOpened, TicketStatus, TicketType } from '../../src/domain/ticket/index.js';

/**
 * Fixed time, fixed ids and small event builders for the ticket decider's unit specs. Every "given"
 * history happens before `now`; every command in the specs runs at `now`.
 */

export const now = new Date('2026-11-25T10:00:00.000Z');
export const at = now.toISOString();

export const HOUR = 60 * 60 * 1000;
export const DAY = 24 * HOUR;

/** An ISO timestamp this long before `now`. */
export function before(ms: number): string {
  return new Date(now.getTime() - ms).toISOString();
}

/** When the "given" histories happened unless a builder is told otherwise: two hours before `now`. */
export const earlier = before(2 * HOUR);

export const ids = {
  ticket: '0b9d4a10-0000-4000-8000-000000000001',
  otherTicket: '0b9d4a10-0000-4000-8000-000000000002',
  tenant: '7f1c2d6e-0000-4000-8000-000000000001',
  requester: '5e3a0c00-0000-4000-8000-0000000000aa',
  agent: '5e3a0c00-0000-4000-8000-0000000000a1',
  otherAgent: '5e3a0c00-0000-4000-8000-0000000000a2',
  manager: '5e3a0c00-0000-4000-8000-0000000000b1',
  otherManager: '5e3a0c00-0000-4000-8000-0000000000b2',
  team: '9a7e0000-0000-4000-8000-000000000001',
  otherTeam: '9a7e0000-0000-4000-8000-000000000002',
  comment: 'c0c0c0c0-0000-4000-8000-000000000001',
  link: '1e1e1e1e-0000-4000-8000-000000000001',
} as const;

export const NUMBERS: Readonly<Record<TicketType, string>> = { incident: 'INC-000001', service_request: 'REQ-000001', problem: 'PRB-000001', change: 'CHG-000001' };

export function opened(type: TicketType = 'incident', overrides: Partial<TicketOpened['data']> = {}): TicketOpened {
  return {
    type: 'TicketOpened',
    data: {
      ticketId: ids.ticket,
      tenantId: ids.tenant,
      number: NUMBERS[type],
      type,
      title: 'Printer on floor 3 is jammed',
      description: 'It blinks orange.',
      impact: 'medium',
      urgency: 'medium',
      priority: 'P3',
      requesterId: ids.requester,
      teamId: ids.team,
      categoryId: null,
      serviceId: null,
      tags: [],
      assetIds: [],
      risk: null,
      plannedStart: null,
      plannedEnd: null,
      openedBy: ids.requester,
      at: earlier,
      ...overrides,
    },
  };
}

export const assigned = (assigneeId: string | null = ids.agent, previousAssigneeId: string | null = null, teamId: string | null = ids.team, when = earlier): TicketEvent => ({
  type: 'TicketAssigned',
  data: { assigneeId, teamId, previousAssigneeId, at: when },
});
export const workStarted = (by: string = ids.agent, when = earlier): TicketEvent => ({ type: 'TicketWorkStarted', data: { by, at: when } });
export const pended = (when = earlier): TicketEvent => ({ type: 'TicketPended', data: { reason: 'waiting for the vendor', at: when } });
export const resumed = (when = earlier): TicketEvent => ({ type: 'TicketResumed', data: { at: when } });
export const resolved = (when = earlier): TicketEvent => ({ type: 'TicketResolved', data: { code: 'fixed', notes: 'Cleared the jam.', by: ids.agent, at: when } });
export const closed = (when = earlier): TicketEvent => ({ type: 'TicketClosed', data: { by: null, at: when } });
export const cancelled = (when = earlier): TicketEvent => ({ type: 'TicketCancelled', data: { reason: 'raised by mistake', by: ids.requester, at: when } });
export const approvalRequested = (approverIds: string[] = [ids.manager], when = earlier): TicketEvent => ({
  type: 'TicketApprovalRequested',
  data: { approverIds, by: ids.agent, at: when },
});
export const approved = (approverId: string = ids.manager, when = earlier): TicketEvent => ({ type: 'TicketApproved', data: { approverId, comment: '', at: when } });
export const rejected = (approverId: string = ids.manager, when = earlier): TicketEvent => ({ type: 'TicketRejected', data: { approverId, comment: 'too risky', at: when } });
export const commented = (authorId: string = ids.agent, body = 'Looking into it.', when = earlier, internal = false): TicketEvent => ({
  type: 'TicketCommented',
  data: { commentId: ids.comment, authorId, body, internal, at: when, carriedFrom: null },
});
export const watcherAdded = (userId: string, when = earlier): TicketEvent => ({ type: 'TicketWatcherAdded', data: { userId, at: when } });
export const linked = (kind: LinkKind = 'relates_to', when = earlier): TicketEvent => ({
  type: 'TicketLinked',
  data: { linkId: ids.link, kind, targetId: ids.otherTicket, at: when },
});
export const deleted = (when = earlier): TicketEvent => ({ type: 'TicketDeleted', data: { by: ids.manager, at: when } });
export const restored = (when = earlier): TicketEvent => ({ type: 'TicketRestored', data: { by: ids.manager, at: when } });

/**
 * A history that leaves a ticket of `type` in `status`, the way the desk would get it there: assigned
 * to `ids.agent` from `assigned` on. A change has its approval requested from `ids.manager` and
 * granted while new, so that it may start work; `resolvedAt` says when it was resolved.
 */
export function historyTo(type: TicketType, status: TicketStatus, options: { resolvedAt?: string } = {}): TicketEvent[] {
  const base: TicketEvent[] = [opened(type), ...(type === 'change' ? [approvalRequested(), approved()] : [])];
  const inProgress = [...base, assigned(), workStarted()];
  const resolvedHistory = [...inProgress, resolved(options.resolvedAt ?? earlier)];
  switch (status) {
    case 'new':
      return base;
    case 'assigned':
      return [...base, assigned()];
    case 'in_progress':
      return inProgress;
    case 'pending':
      return [...inProgress, pended()];
    case 'resolved':
      return resolvedHistory;
    case 'closed':
      return [...resolvedHistory, closed()];
    case 'cancelled':
      return [...base, assigned(), cancelled()];
    default: {
      const _exhaustive: never = status;
      return _exhaustive;
    }
  }
}

/** The state a history folds to; fails loudly if it never opened a ticket. */
export function fold(events: readonly TicketEvent[]): OpenTicketState {
  const state = events.reduce(ticketDecider.evolve, ticketDecider.initialState());
  if (!state.exists) throw new Error('the history does not open a ticket');
  return state;
}

/** The OpenTicket command whose event, run at `now`, is `opened(type, { at })`. */
export function openTicket(type: TicketType = 'incident', overrides: Partial<OpenTicket> = {}): OpenTicket {
  return {
    type: 'OpenTicket',
    ticketId: ids.ticket,
    tenantId: ids.tenant,
    number: NUMBERS[type],
    ticketType: type,
    title: 'Printer on floor 3 is jammed',
    description: 'It blinks orange.',
    impact: 'medium',
    urgency: 'medium',
    requesterId: ids.requester,
    teamId: ids.team,
    categoryId: null,
    serviceId: null,
    tags: [],
    assetIds: [],
    risk: null,
    plannedStart: null,
    plannedEnd: null,
    actorId: ids.requester,
    now,
    ...overrides,
  };
}
