import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { IllegalStateError } from '../../src/domain/errors.js';
import { STATUSES, TICKET_TYPES, ticketDecider } from '../../src/domain/ticket/index.js';
import type { TicketAction, TicketCommand, TicketEvent, TicketStatus, TicketType } from '../../src/domain/ticket/index.js';
import { deciderSpec } from '../support/decider-spec.js';
import { DAY, at, fold, historyTo, ids, now } from '../support/ticket-events.js';

/**
 * Every status × every lifecycle action × every ticket type. The table below is the desk's process
 * written out by hand (not read from lifecycle.ts), so that this spec checks the implementation.
 */
const ACTIONS: readonly TicketAction[] = ['assign', 'start', 'pend', 'resume', 'resolve', 'close', 'reopen', 'cancel'];

const EXPECTED: Readonly<Record<TicketStatus, Readonly<Partial<Record<TicketAction, TicketStatus>>>>> = {
  new: { assign: 'assigned', start: 'in_progress', cancel: 'cancelled' },
  assigned: { assign: 'assigned', start: 'in_progress', resolve: 'resolved', cancel: 'cancelled' },
  in_progress: { assign: 'in_progress', pend: 'pending', resolve: 'resolved', cancel: 'cancelled' },
  pending: { assign: 'pending', resume: 'in_progress', resolve: 'resolved', cancel: 'cancelled' },
  resolved: { close: 'closed', reopen: 'in_progress' },
  closed: {},
  cancelled: {},
};

const REOPEN_WINDOW_MS = 7 * DAY;

/** A valid command for each action, so that a refusal can only be about the status. */
function commandFor(action: TicketAction): TicketCommand {
  switch (action) {
    case 'assign':
      return { type: 'AssignTicket', assigneeId: ids.otherAgent, teamId: ids.team, assigneeEligible: true, assigneeInTeam: true, now };
    case 'start':
      return { type: 'StartWork', actorId: ids.agent, now };
    case 'pend':
      return { type: 'PendTicket', reason: 'waiting for the caller', now };
    case 'resume':
      return { type: 'ResumeTicket', now };
    case 'resolve':
      return { type: 'ResolveTicket', code: 'fixed', notes: 'Replaced the toner.', actorId: ids.agent, now };
    case 'close':
      return { type: 'CloseTicket', actorId: ids.agent, now };
    case 'reopen':
      return { type: 'ReopenTicket', reason: 'it jammed again', actorId: ids.requester, reopenWindowMs: REOPEN_WINDOW_MS, now };
    case 'cancel':
      return { type: 'CancelTicket', reason: 'no longer needed', actorId: ids.requester, now };
    default: {
      const _exhaustive: never = action;
      return _exhaustive;
    }
  }
}

/** What each legal action records, given a history from historyTo (assigned to ids.agent from `assigned` on). */
function eventsFor(status: TicketStatus, action: TicketAction): TicketEvent[] {
  switch (action) {
    case 'assign':
      return [{ type: 'TicketAssigned', data: { assigneeId: ids.otherAgent, teamId: ids.team, previousAssigneeId: status === 'new' ? null : ids.agent, at } }];
    case 'start':
      return [
        ...(status === 'new' ? [{ type: 'TicketAssigned' as const, data: { assigneeId: ids.agent, teamId: ids.team, previousAssigneeId: null, at } }] : []),
        { type: 'TicketWorkStarted', data: { by: ids.agent, at } },
      ];
    case 'pend':
      return [{ type: 'TicketPended', data: { reason: 'waiting for the caller', at } }];
    case 'resume':
      return [{ type: 'TicketResumed', data: { at } }];
    case 'resolve':
      return [{ type: 'TicketResolved', data: { code: 'fixed', notes: 'Replaced the toner.', by: ids.agent, at } }];
    case 'close':
      return [{ type: 'TicketClosed', data: { by: ids.agent, at } }];
    case 'reopen':
      return [{ type: 'TicketReopened', data: { reason: 'it jammed again', by: ids.requester, status: 'in_progress', at } }];
    case 'cancel':
      return [{ type: 'TicketCancelled', data: { reason: 'no longer needed', by: ids.requester, at } }];
    default: {
      const _exhaustive: never = action;
      return _exhaustive;
    }
  }
}

type Transition = { action: string; to: string };

function byAction(transitions: readonly Transition[]): Transition[] {
  return [...transitions].sort((a, b) => a.action.localeCompare(b.action));
}

function allowedIn(error: unknown): Transition[] {
  if (!(error instanceof IllegalStateError)) throw new Error('expected an IllegalStateError');
  const listed = error.details.allowedTransitions;
  assert.ok(Array.isArray(listed), 'details.allowedTransitions is a list');
  return byAction(listed as Transition[]);
}

const ARTICLE: Readonly<Record<TicketType, string>> = { incident: 'an incident', service_request: 'a service request', problem: 'a problem', change: 'a change' };
const words = (status: TicketStatus): string => status.replace('_', ' ');
const spec = deciderSpec(ticketDecider);

for (const type of TICKET_TYPES) {
  for (const status of STATUSES) {
    const lifecycle = suite(`ticket lifecycle: ${ARTICLE[type]} that is ${words(status)}`);
    const given = historyTo(type, status);
    const allowed = EXPECTED[status];
    const expectedAllowed = byAction(Object.entries(allowed).map(([action, to]) => ({ action, to })));

    lifecycle('is in the status its history leads to', () => {
      assert.is(fold(given).status, status);
    });

    for (const action of ACTIONS) {
      const to = allowed[action];
      if (to !== undefined) {
        lifecycle(`allows ${action}, which leaves it ${words(to)}`, () => {
          const expected = eventsFor(status, action);
          spec.given(given).when(commandFor(action)).then(expected);
          assert.is(fold([...given, ...expected]).status, to);
        });
      } else {
        const naming = expectedAllowed.length === 0 ? 'nothing' : expectedAllowed.map((t) => t.action).join(', ');
        lifecycle(`refuses ${action}, naming ${naming} as allowed`, () => {
          const error = spec.given(given).when(commandFor(action)).thenThrows(IllegalStateError, new RegExp(`cannot ${action} a ticket that is ${words(status)}`));
          assert.equal(allowedIn(error), expectedAllowed);
          assert.is((error as IllegalStateError).details.currentStatus, status);
        });
      }
    }

    lifecycle.run();
  }
}
